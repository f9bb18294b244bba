"""Feedback as CSV. The header uses the import's field names, so an export imports back
unchanged; a cell a spreadsheet would run as a formula gets a leading quote."""

import itertools
from collections.abc import Iterable, Iterator

from wavelength.core.csvexport import csv_lines
from wavelength.feedback.models import Feedback

COLUMNS = [
    "id",
    "external_id",
    "source",
    "received_at",
    "title",
    "text",
    "contact_email",
    "contact_name",
    "company",
    "type",
    "sentiment",
    "status",
    "language",
    "theme",
    "tags",
    "features",
]


def _row(fb: Feedback) -> list[str]:
    contact = fb.contact
    return [
        fb.pk,
        fb.external_id,
        fb.source,
        fb.received_at.isoformat(),
        fb.title,
        fb.text,
        contact.email if contact else "",
        contact.name if contact else "",
        fb.company.name if fb.company_id else "",
        fb.type,
        fb.sentiment,
        fb.status,
        fb.language,
        fb.theme.name if fb.theme_id else "",
        ", ".join(sorted(t.name for t in fb.tags.all())),
        ", ".join(sorted({link.feature.title for link in fb.links.all()})),
    ]


def feedback_csv(items: Iterable[Feedback]) -> Iterator[str]:
    """The CSV text, line by line (a UTF-8 BOM first so spreadsheets read the accents)."""
    return csv_lines(itertools.chain([COLUMNS], (_row(fb) for fb in items)))
