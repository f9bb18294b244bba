"""The named conditions the knowledge base answers for playbooks and gates."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wavelength.catalog.models import Feature, Product, Release
from wavelength.core.conditions import ConditionResult, register_condition

from .models import Page, PageRead, PageStatus

KINDS = {Feature: "feature", Release: "release", Product: "product"}


def _kind_of(target) -> str | None:
    return KINDS.get(type(target))


def pages_published(*, target, subject=None, params=None) -> ConditionResult:
    """Every page about ``target`` is published and not stale (two queries)."""
    kind = _kind_of(target)
    if kind is None:
        return ConditionResult(
            ok=False, detail=_("Pages can only be about a product, feature or release.")
        )
    pages = list(
        Page.objects.filter(links__kind=kind, links__target_id=target.pk)
        .distinct()
        .order_by("title")
    )
    if not pages:
        return ConditionResult(ok=True, detail=_("No page is about it."))
    missing = [p for p in pages if p.status != PageStatus.PUBLISHED or p.is_stale()]
    if not missing:
        return ConditionResult(
            ok=True, detail=_("All %(n)d pages are published and current.") % {"n": len(pages)}
        )
    return ConditionResult(
        ok=False,
        detail=_("%(n)d of %(total)d pages are not published or need a review.")
        % {"n": len(missing), "total": len(pages)},
        missing=[(p.title, p.get_absolute_url()) for p in missing],
    )


def page_read(*, target, subject=None, params=None) -> ConditionResult:
    """The run's person has read the current version of the page named in ``params``."""
    page_id = str((params or {}).get("page", ""))
    page = Page.objects.filter(pk=int(page_id)).first() if page_id.isdigit() else None
    if page is None:
        return ConditionResult(ok=False, detail=_("The page to read no longer exists."))
    if subject is None:
        return ConditionResult(ok=False, detail=_("Nobody is named to read it."))
    done = PageRead.objects.filter(page=page, user=subject, version=page.version).exists()
    if done:
        return ConditionResult(
            ok=True, detail=_("%(who)s read “%(title)s”.") % {"who": subject, "title": page.title}
        )
    return ConditionResult(
        ok=False,
        detail=_("%(who)s has not read the current version of “%(title)s”.")
        % {"who": subject, "title": page.title},
        missing=[(page.title, page.get_absolute_url())],
    )


def page_choices(*, user):
    from .selectors import pages_for_choices

    return [(str(p.pk), f"{p.space.name} · {p.title}") for p in pages_for_choices(user=user)]


def register() -> None:
    register_condition(
        "knowledge.pages_published",
        label=gettext_lazy("All pages about it published"),
        description=gettext_lazy(
            "Every page mentioning the feature, release or product is published and not stale."
        ),
        evaluate=pages_published,
    )
    register_condition(
        "knowledge.page_read",
        label=gettext_lazy("Page read"),
        description=gettext_lazy("The person has read the current version of the page."),
        evaluate=page_read,
        params=("page",),
        choices=page_choices,
    )
