"""Reads of customers and feedback: permission-checked, with a fixed number of queries."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.shortcuts import get_object_or_404

from wavelength.accounts.permissions import require_member
from wavelength.catalog import selectors as catalog_selectors
from wavelength.catalog.models import Feature
from wavelength.core import search

from .matching import domain_label, identity_keys
from .models import (
    IMPORTANCE_RANK,
    Company,
    CompanyMerge,
    Contact,
    FeatureDemand,
    Feedback,
    FeedbackLink,
    Theme,
)
from .votes import votes as registered_votes

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
    qs = (
        Company.objects.filter(merged_into=None)
        .select_related("owner")
        .annotate(
            feedback_count=Count("feedback", distinct=True),
            contact_count=Count("contacts", distinct=True),
        )
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
    """One company, merged away or not (its page then says into which)."""
    require_member(user)
    return get_object_or_404(Company.objects.select_related("owner", "merged_into"), pk=pk)


def company_likely_duplicates(*, user, company: Company, limit: int = 10) -> list[Company]:
    """Other companies that look like the same customer: they answer to one of this one's
    keys (see ``feedback.matching.identity_keys``) — the same name once case, accents,
    punctuation and legal form are left out, a domain that spells the name, or a company an
    import named after a domain."""
    require_member(user)
    keys = identity_keys(company.name, company.domains)
    labels = {domain_label(d) for d in company.domains} | {company.match_key}
    near = Q(match_key__in=keys)
    for key in keys:
        if len(key) >= 4:
            near |= Q(match_key__startswith=key)
    for label in labels - {""}:
        near |= Q(domains__icontains=f'"{label}.') | Q(domains__icontains=f".{label}.")
    candidates = Company.objects.filter(near, merged_into=None).exclude(pk=company.pk)
    found = [
        c
        for c in candidates.select_related("owner").order_by("-arr", "name")[: limit * 5]
        if identity_keys(c.name, c.domains) & keys
    ]
    return found[:limit]


def company_merges(*, user, company: Company) -> QuerySet[CompanyMerge]:
    """The merges into this company that are not undone, newest first."""
    require_member(user)
    return CompanyMerge.objects.filter(target=company, undone_at=None).select_related(
        "source", "created_by"
    )


def company_merge_get(*, user, pk: int) -> CompanyMerge:
    require_member(user)
    return get_object_or_404(CompanyMerge.objects.select_related("source", "target"), pk=pk)


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


FEATURE_OPTIONS = 30


def feature_options(*, user, q: str = "") -> list[Feature]:
    """The features the inbox's bulk bar offers to link to: the most recently changed ones,
    or those whose title or description holds ``q``; at most ``FEATURE_OPTIONS``."""
    features = catalog_selectors.feature_list(
        user=user, filters=catalog_selectors.FeatureFilter(q=q.strip()[:100] or None)
    )
    return list(features.prefetch_related(None)[:FEATURE_OPTIONS])


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
    """The features a company asked for, in feedback or by a portal vote of one of its
    contacts, with how many of its items ask for each and how many of its people voted."""
    require_member(user)
    v = registered_votes()
    linked = FeedbackLink.objects.filter(feedback__company=company).values("feature_id")
    voted = v.counted().filter(**{v.company: company}).values(f"{v.feature}_id")
    asks = (
        FeedbackLink.objects.filter(feature=OuterRef("pk"), feedback__company=company)
        .order_by()
        .values("feature")
        .annotate(n=Count("feedback", distinct=True))
        .values("n")
    )
    votes = (
        v.counted()
        .filter(**{v.feature: OuterRef("pk"), v.company: company})
        .order_by()
        .values(v.feature)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Feature.objects.filter(Q(pk__in=linked) | Q(pk__in=voted))
        .select_related("product")
        .annotate(
            asks=Coalesce(Subquery(asks, output_field=IntegerField()), 0),
            votes=Coalesce(Subquery(votes, output_field=IntegerField()), 0),
        )
        .order_by("-asks", "-votes", "title")
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
    """A feature's demand. ``feedback_count`` counts the items asking, ``votes`` the counted
    portal votes for its idea; ``unique_companies`` and ``revenue`` count each company once,
    whether it wrote, voted or both."""

    feature_id: int
    feedback_count: int = 0
    votes: int = 0
    unique_companies: int = 0
    revenue: Decimal = Decimal("0")
    trend: list[tuple[str, int]] = field(default_factory=list)
    top_quotes: list[Quote] = field(default_factory=list)

    @property
    def voices(self) -> int:
        return self.feedback_count + self.votes


def feature_votes(feature_ref) -> QuerySet:
    """The counted portal votes for a feature's idea (``feature_ref`` a feature, an id or an
    ``OuterRef``)."""
    v = registered_votes()
    return v.counted().filter(**{v.feature: feature_ref})


def vote_months(votes: QuerySet, since: dt.datetime | None = None) -> QuerySet:
    """Counted ``votes`` annotated with the ``month`` they started to count and ``kind``
    "votes", for :func:`rows_per_month`; only those counted from ``since`` when given."""
    at = registered_votes().at
    if since is not None:
        votes = votes.filter(**{f"{at}__gte": since})
    return votes.annotate(month=TruncMonth(at), kind=Value("votes"))


def asking_companies(feature_ref) -> QuerySet[Company]:
    """The companies asking for a feature: those whose feedback is linked to it and those
    whose contacts voted for its portal idea, each once."""
    wrote = Feedback.objects.filter(links__feature=feature_ref).values("company_id")
    voted = feature_votes(feature_ref).values(f"{registered_votes().company}_id")
    return Company.objects.filter(Q(pk__in=wrote) | Q(pk__in=voted))


def feature_demand(*, user, feature: Feature, quotes: int = 5) -> Demand:
    """How much customers ask for ``feature``: items, portal votes, distinct companies, the
    revenue of those companies (each counted once however often it asks or votes), a monthly
    trend of items and votes and the best quotes. Three queries whatever the amount of
    feedback and votes."""
    require_member(user)
    row = FeatureDemand.objects.filter(feature=feature).first()
    demand = _as_demand(row) if row else Demand(feature_id=feature.pk)
    asking = Feedback.objects.filter(links__feature=feature)
    item_months = Feedback.objects.filter(pk__in=asking.values("pk")).annotate(
        month=TruncMonth("received_at"), kind=Value("items")
    )
    voted_months = vote_months(feature_votes(feature))
    months: dict[str, int] = {}
    rows = rows_per_month(item_months).union(rows_per_month(voted_months), all=True)
    for month, _kind, n in rows:
        if month:
            key = month.strftime("%Y-%m")
            months[key] = months.get(key, 0) + n
    demand.trend = sorted(months.items())
    demand.top_quotes = _top_quotes(feature, quotes)
    return demand


def rows_per_month(rows: QuerySet) -> QuerySet:
    """``(month, kind, count)`` rows of a queryset annotated with ``month`` and ``kind``."""
    return (
        rows.order_by()
        .values("month", "kind")
        .annotate(n=Count("pk"))
        .values_list("month", "kind", "n")
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
    """Demand totals (items, votes, distinct companies, their revenue) of many features in one
    query, from the figures kept with the links and votes (``FeatureDemand``): for tables and
    reports; ``feature_demand`` adds the trend and quotes of one."""
    require_member(user)
    demand = {pk: Demand(feature_id=pk) for pk in feature_ids}
    for row in FeatureDemand.objects.filter(feature_id__in=feature_ids):
        demand[row.feature_id] = _as_demand(row)
    return demand


def _as_demand(row: FeatureDemand) -> Demand:
    return Demand(
        feature_id=row.feature_id,
        feedback_count=row.items,
        votes=row.votes,
        unique_companies=row.companies,
        revenue=Decimal(row.revenue).quantize(Decimal("0.01")),
    )


def companies_asking(*, user, feature: Feature) -> list[Company]:
    """The feature page's "Customer demand" section: companies asking (in feedback or by a
    portal vote), largest first, with their items and votes for it."""
    require_member(user)
    asks = (
        Feedback.objects.filter(company=OuterRef("pk"), links__feature=feature)
        .order_by()
        .values("company")
        .annotate(n=Count("pk", distinct=True))
        .values("n")
    )
    company = registered_votes().company
    votes = (
        feature_votes(feature)
        .filter(**{company: OuterRef("pk")})
        .order_by()
        .values(company)
        .annotate(n=Count("pk"))
        .values("n")
    )
    companies = asking_companies(feature).annotate(
        asks=Coalesce(Subquery(asks, output_field=IntegerField()), 0),
        votes=Coalesce(Subquery(votes, output_field=IntegerField()), 0),
    )
    return list(companies.order_by("-arr", "name"))
