"""Reads of customers and feedback: permission-checked, with a fixed number of queries."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.shortcuts import get_object_or_404

from wavelength.accounts.permissions import require_member
from wavelength.catalog.models import Feature
from wavelength.core import search

from .models import IMPORTANCE_RANK, Company, Contact, Feedback, FeedbackLink, Theme

# Full-text search reads this many best matches before the other filters apply.
SEARCH_LIMIT = 5000


@dataclass
class CompanyFilter:
    segment: str | None = None
    health: str | None = None
    owner: int | None = None
    q: str | None = None


@dataclass
class FeedbackFilter:
    source: str | None = None
    type: str | None = None
    sentiment: str | None = None
    status: str | None = None
    theme: int | None = None
    segment: str | None = None
    min_revenue: Decimal | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    language: str | None = None
    company: int | None = None
    feature: int | None = None
    q: str | None = None


def company_list(*, user, filters: CompanyFilter | None = None) -> QuerySet[Company]:
    """Companies, highest revenue first, with how much feedback each gave."""
    require_member(user)
    f = filters or CompanyFilter()
    qs = Company.objects.select_related("owner").annotate(
        feedback_count=Count("feedback", distinct=True),
        contact_count=Count("contacts", distinct=True),
    )
    if f.segment:
        qs = qs.filter(segment=f.segment)
    if f.health:
        qs = qs.filter(health=f.health)
    if f.owner:
        qs = qs.filter(owner_id=f.owner)
    if f.q:
        qs = qs.filter(Q(name__icontains=f.q) | Q(domains__icontains=f.q) | Q(plan__icontains=f.q))
    return qs.order_by("-arr", "name")


def company_get(*, user, pk: int) -> Company:
    require_member(user)
    return get_object_or_404(Company.objects.select_related("owner"), pk=pk)


def contact_list(*, user, company: Company | None = None, q: str | None = None):
    require_member(user)
    qs = Contact.objects.select_related("company")
    if company is not None:
        qs = qs.filter(company=company)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(email__icontains=q))
    return qs.order_by("name", "email")


def contact_get(*, user, pk: int) -> Contact:
    require_member(user)
    return get_object_or_404(Contact.objects.select_related("company"), pk=pk)


def theme_list(*, user) -> QuerySet[Theme]:
    require_member(user)
    return Theme.objects.annotate(feedback_count=Count("feedback")).order_by("name")


def feedback_list(*, user, filters: FeedbackFilter | None = None) -> QuerySet[Feedback]:
    """Feedback matching every filter, newest first, with what a row shows prefetched."""
    require_member(user)
    f = filters or FeedbackFilter()
    qs = Feedback.objects.with_relations()
    exact = {
        "source": f.source,
        "type": f.type,
        "sentiment": f.sentiment,
        "status": f.status,
        "theme_id": f.theme,
        "company__segment": f.segment,
        "language": f.language.lower() if f.language else None,
        "company_id": f.company,
    }
    qs = qs.filter(**{k: v for k, v in exact.items() if v})
    if f.min_revenue is not None:
        qs = qs.filter(company__arr__gte=f.min_revenue)
    if f.since:
        qs = qs.filter(received_at__gte=f.since)
    if f.until:
        qs = qs.filter(received_at__lte=f.until)
    if f.feature:
        qs = qs.filter(pk__in=FeedbackLink.objects.filter(feature_id=f.feature).values("feedback"))
    if f.q:
        hits = search.query(f.q, kinds=["feedback"], limit=SEARCH_LIMIT)
        qs = qs.filter(pk__in=[h.object_id for h in hits])
    return qs.order_by("-received_at", "-id")


def feedback_get(*, user, pk: int) -> Feedback:
    require_member(user)
    qs = Feedback.objects.with_relations().select_related("contact__company")
    return get_object_or_404(qs, pk=pk)


def links_for_feedback(*, user, feedback: Feedback) -> QuerySet[FeedbackLink]:
    require_member(user)
    return feedback.links.select_related("feature__product", "created_by").order_by("created_at")


def link_get(*, user, pk: int) -> FeedbackLink:
    require_member(user)
    return get_object_or_404(FeedbackLink.objects.select_related("feature", "feedback"), pk=pk)


def company_feedback(*, user, company: Company) -> QuerySet[Feedback]:
    """Everything a company said, newest first."""
    return feedback_list(user=user, filters=FeedbackFilter(company=company.pk))


def company_features(*, user, company: Company) -> QuerySet[Feature]:
    """The features a company asked for, with how many of its items ask for each."""
    require_member(user)
    return (
        Feature.objects.filter(feedback_links__feedback__company=company)
        .select_related("product")
        .annotate(asks=Count("feedback_links__feedback", distinct=True))
        .order_by("-asks", "title")
    )


# Demand -----------------------------------------------------------------------------------


@dataclass
class Quote:
    text: str
    importance: str
    importance_label: str
    company: str
    company_id: int | None
    contact: str
    feedback_id: int
    received_at: dt.datetime


@dataclass
class Demand:
    feature_id: int
    feedback_count: int = 0
    unique_companies: int = 0
    revenue: Decimal = Decimal("0")
    trend: list[tuple[str, int]] = field(default_factory=list)
    top_quotes: list[Quote] = field(default_factory=list)


def feature_demand(*, user, feature: Feature, quotes: int = 5) -> Demand:
    """How much customers ask for ``feature``: items, distinct companies, the revenue of those
    companies (each counted once however often it asks), a monthly trend and the best quotes.
    Four queries whatever the amount of feedback."""
    require_member(user)
    asking = Feedback.objects.filter(links__feature=feature)
    feedback_count = asking.values("pk").distinct().count()
    companies = Company.objects.filter(pk__in=asking.values("company_id"))
    totals = companies.aggregate(n=Count("pk"), revenue=Sum("arr"))
    months = (
        Feedback.objects.filter(pk__in=asking.values("pk"))
        .annotate(month=TruncMonth("received_at"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by("month")
    )
    return Demand(
        feature_id=feature.pk,
        feedback_count=feedback_count,
        unique_companies=totals["n"] or 0,
        revenue=Decimal(totals["revenue"] or 0).quantize(Decimal("0.01")),
        trend=[(row["month"].strftime("%Y-%m"), row["n"]) for row in months if row["month"]],
        top_quotes=_top_quotes(feature, quotes),
    )


def _top_quotes(feature: Feature, limit: int) -> list[Quote]:
    links = (
        FeedbackLink.objects.filter(feature=feature)
        .select_related("feedback__company", "feedback__contact")
        .order_by("-created_at")[:200]
    )
    ranked = sorted(
        links,
        key=lambda link: (
            bool(link.quote),
            IMPORTANCE_RANK.get(link.importance, 0),
            link.feedback.company.arr if link.feedback.company_id else 0,
        ),
        reverse=True,
    )
    return [_as_quote(link) for link in ranked[:limit]]


def _as_quote(link: FeedbackLink) -> Quote:
    fb = link.feedback
    return Quote(
        text=link.quote or fb.text[:300],
        importance=link.importance,
        importance_label=link.get_importance_display(),
        company=fb.company.name if fb.company_id else "",
        company_id=fb.company_id,
        contact=str(fb.contact) if fb.contact_id else "",
        feedback_id=fb.pk,
        received_at=fb.received_at,
    )


def demand_for_features(*, user, feature_ids: list[int]) -> dict[int, Demand]:
    """Demand totals (items, distinct companies, their revenue) of many features in two
    queries: for tables and reports; ``feature_demand`` adds the trend and quotes of one."""
    require_member(user)
    demand = {pk: Demand(feature_id=pk) for pk in feature_ids}
    links = FeedbackLink.objects.filter(feature_id__in=feature_ids).order_by()
    counts = links.values("feature_id").annotate(
        items=Count("feedback_id", distinct=True),
        companies=Count("feedback__company_id", distinct=True),
    )
    for row in counts:
        demand[row["feature_id"]].feedback_count = row["items"]
        demand[row["feature_id"]].unique_companies = row["companies"]
    # Each company's revenue counts once per feature, however often it asks.
    pairs = (
        links.exclude(feedback__company=None)
        .values_list("feature_id", "feedback__company_id", "feedback__company__arr")
        .distinct()
    )
    for feature_id, _company, arr in pairs:
        demand[feature_id].revenue += Decimal(arr)
    return demand


def companies_asking(*, user, feature: Feature) -> list[Company]:
    """The feature page's "Customer demand" section: companies asking, largest first."""
    require_member(user)
    companies = (
        Company.objects.filter(feedback__links__feature=feature)
        .annotate(asks=Count("feedback", distinct=True))
        .order_by("-arr", "name")
    )
    return list(companies)
