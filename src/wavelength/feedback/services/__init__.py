"""Every write to customers and feedback. One transaction each, with activity and search rows.

Links between feedback and features are recorded under the feature's product scope
(``catalog.product:<id>``) so the product timeline shows them; everything else under
``feedback``.
"""

from django.db import transaction

from wavelength.core.models import SearchEntry

from ..models import Company, Feedback
from .bulk import BULK_ACTIONS, feedback_bulk_update
from .checks import BULK_LIMIT, FREE_MAIL, MAX_ARR, SCOPE
from .customers import (
    _index_company,
    company_create,
    company_for_domain,
    company_for_key,
    company_resolve,
    company_update,
    contact_create,
    contact_for,
    contact_for_visitor,
    contact_match_company,
    contact_unsubscribe,
    theme_create,
)
from .items import (
    _index_feedback,
    feedback_bulk_create,
    feedback_create,
    feedback_submit,
    feedback_update,
)
from .links import feedback_link, feedback_unlink
from .merge import (  # noqa: F401 - duplicates
    company_merge,
    company_merge_undo,
    feedback_merge,
    feedback_merge_undo,
)
from .themes import theme_adopt  # noqa: F401 - adopting a discovered theme

__all__ = [
    "BULK_ACTIONS",
    "BULK_LIMIT",
    "FREE_MAIL",
    "MAX_ARR",
    "SCOPE",
    "company_create",
    "company_for_domain",
    "company_for_key",
    "company_resolve",
    "company_update",
    "contact_create",
    "contact_for",
    "contact_for_visitor",
    "contact_match_company",
    "contact_unsubscribe",
    "feedback_bulk_create",
    "feedback_bulk_update",
    "feedback_create",
    "feedback_link",
    "feedback_submit",
    "feedback_unlink",
    "feedback_update",
    "search_reindex",
    "theme_create",
]

# Search index -----------------------------------------------------------------------------


def search_reindex() -> dict[str, int]:
    """Rebuild the search entries of companies and feedback from their tables (no activity:
    no data changes). Found by ``wavelength reindex`` like every app's ``search_reindex``."""
    sources = [
        ("company", Company.objects.all(), _index_company),
        ("feedback", Feedback.objects.select_related("company"), _index_feedback),
    ]
    counts: dict[str, int] = {}
    with transaction.atomic():
        for kind, queryset, index in sources:
            stale = SearchEntry.objects.filter(kind=kind).exclude(
                object_id__in=queryset.model.objects.values("pk")
            )
            stale.delete()
            counts[kind] = 0
            for obj in queryset.order_by("pk").iterator(chunk_size=500):
                index(obj)
                counts[kind] += 1
    return counts
