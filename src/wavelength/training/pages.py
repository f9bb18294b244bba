"""The published version of a knowledge page: what a lesson about that page shows."""

from django.db.models import Max

from wavelength.knowledge.models import Page, PageStatus, PageVersion


def published_number(page: Page) -> int | None:
    """The number of the page's published version: the current one when the page is
    published, else the newest approved one (a new text waits for its approval); ``None``
    if it was never published."""
    if page.status == PageStatus.PUBLISHED:
        return page.version
    return page.approvals.aggregate(m=Max("version"))["m"]


def published_version(page: Page) -> PageVersion | None:
    number = published_number(page)
    if number is None:
        return None
    return PageVersion.objects.filter(page=page, number=number).first()
