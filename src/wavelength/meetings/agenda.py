"""The agenda an occurrence gets from live data, for the products its series covers, since the
previous occurrence. Every part reads through its own app's permission-checked selector as the
person who asks, and each series can switch parts off (``MeetingSeries.agenda_parts``).

Each part costs a fixed number of queries and gives at most ``PER_PART`` items.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q
from django.urls import reverse

from wavelength.catalog import gates
from wavelength.catalog import selectors as catalog_selectors
from wavelength.catalog.models import Feature, Release, ReleaseStatus, Stage
from wavelength.core import clock
from wavelength.feedback import selectors as feedback_selectors
from wavelength.feedback.models import FeedbackLink
from wavelength.knowledge import selectors as knowledge_selectors
from wavelength.processes import selectors as processes_selectors
from wavelength.quality import selectors as quality_selectors

from .models import ActionItem, AgendaPart, Occurrence

PER_PART = 5
# Without a previous occurrence, the agenda looks back this far.
DEFAULT_LOOKBACK = dt.timedelta(days=14)
RELEASE_HORIZON = dt.timedelta(days=14)
# Asks for a feature that has shipped or been dropped are no longer a topic.
ASKABLE_STAGES = (Stage.IDEA, Stage.DISCOVERY, Stage.PLANNED, Stage.IN_DEVELOPMENT, Stage.BETA)


@dataclass(frozen=True)
class ItemSpec:
    """A generated item: its part, the row it came from, and what its sentence needs
    (:mod:`.wording` makes the sentence in each reader's language)."""

    kind: str
    source_id: int | None
    params: dict = field(default_factory=dict)
    url: str = ""


def since_for(occurrence: Occurrence) -> dt.datetime:
    """When the previous occurrence of the series started (or two weeks before this one)."""
    previous = (
        Occurrence.objects.filter(
            series_id=occurrence.series_id, starts_at__lt=occurrence.starts_at
        )
        .order_by("-starts_at")
        .values_list("starts_at", flat=True)
        .first()
    )
    return previous or occurrence.starts_at - DEFAULT_LOOKBACK


def build_agenda(*, user, occurrence: Occurrence) -> list[ItemSpec]:
    series = occurrence.series
    product_ids = list(series.products.values_list("pk", flat=True))
    since = since_for(occurrence)
    items: list[ItemSpec] = []
    for part in series.agenda_parts:
        builder = PARTS.get(part)
        if builder is None:
            continue
        if part != AgendaPart.ACTIONS and not product_ids:
            continue
        items.extend(builder(user=user, occurrence=occurrence, products=product_ids, since=since))
    return items


def _feedback(*, user, occurrence, products, since) -> list[ItemSpec]:
    rows = (
        feedback_selectors.feedback_list(
            user=user, filters=feedback_selectors.FeedbackFilter(since=since)
        )
        .filter(company__isnull=False, links__feature__product_id__in=products)
        .distinct()
        .order_by("-company__arr", "-received_at", "-id")
        # Only what the item says: no row of the inbox's prefetches is needed here.
        .select_related(None)
        .prefetch_related(None)
        .select_related("company")
        .only("pk", "title", "text", "company__name")[:PER_PART]
    )
    return [
        ItemSpec(
            kind=AgendaPart.FEEDBACK,
            source_id=f.pk,
            params={"company": f.company.name, "title": f.display_title, "text": f.text[:500]},
            url=f.get_absolute_url(),
        )
        for f in rows
    ]


def _asks(*, user, occurrence, products, since) -> list[ItemSpec]:
    """The features of the products asked for most since the previous meeting (feedback
    linked to them since), with their demand in all (feedback and counted votes)."""
    recent = (
        FeedbackLink.objects.filter(
            created_at__gte=since,
            feature__product_id__in=products,
            feature__stage__in=ASKABLE_STAGES,
        )
        .order_by()
        .values("feature_id", "feature__title")
        .annotate(new=Count("feedback_id", distinct=True))
        .order_by("-new", "feature_id")[:PER_PART]
    )
    new = {row["feature_id"]: row["new"] for row in recent}
    if not new:
        return []
    titles = {row["feature_id"]: row["feature__title"] for row in recent}
    demand = feedback_selectors.demand_for_features(user=user, feature_ids=list(new))
    return [
        ItemSpec(
            kind=AgendaPart.ASKS,
            source_id=pk,
            params={
                "feature": titles[pk],
                "new": count,
                "total": demand[pk].voices,
                "companies": demand[pk].unique_companies,
            },
            url=reverse("catalog:feature-detail", args=[pk]),
        )
        for pk, count in new.items()
    ]


def _stages(*, user, occurrence, products, since) -> list[ItemSpec]:
    scopes = [f"catalog.product:{pk}" for pk in products]
    feature_type = ContentType.objects.get_for_model(Feature)
    rows = (
        catalog_selectors.recent_changes(user=user, since=since)
        .filter(verb="stage_changed", scope__in=scopes, target_type=feature_type)
        .order_by("-created_at", "-id")
        .values_list("target_id", "target_repr", "payload")[: PER_PART * 3]
    )
    seen, out = set(), []
    for target_id, name, payload in rows:  # the latest move of each feature
        if target_id in seen or len(out) >= PER_PART:
            continue
        seen.add(target_id)
        old, new = (payload or {}).get("changes", {}).get("stage", [None, None])
        out.append(
            ItemSpec(
                kind=AgendaPart.STAGES,
                source_id=target_id,
                params={"feature": name, "old": old, "new": new},
                url=reverse("catalog:feature-detail", args=[target_id]),
            )
        )
    return out


def _releases(*, user, occurrence, products, since) -> list[ItemSpec]:
    today = clock.now().date()
    rows = (
        catalog_selectors.release_list(user=user)
        .filter(
            product_id__in=products,
            status__in=[ReleaseStatus.PLANNED, ReleaseStatus.IN_PROGRESS],
            target_date__gte=today,
            target_date__lte=today + RELEASE_HORIZON,
        )
        .order_by("target_date", "id")[:PER_PART]
    )
    out = []
    for release in rows:
        verdicts = gates.evaluate(release)
        params = {
            "release": str(release),
            "date": release.target_date.isoformat(),
            "passes": gates.passes(verdicts),
            "failing": [v.criterion.key for v in verdicts if not v.result.ok],
        }
        out.append(ItemSpec(kind=AgendaPart.RELEASES, source_id=release.pk, params=params,
                            url=release.get_absolute_url()))  # fmt: skip
    return out


def _steps(*, user, occurrence, products, since) -> list[ItemSpec]:
    release_type = ContentType.objects.get_for_model(Release)
    feature_type = ContentType.objects.get_for_model(Feature)
    about = Q(
        run__target_type=release_type,
        run__target_id__in=Release.objects.filter(product_id__in=products).values("pk"),
    ) | Q(
        run__target_type=feature_type,
        run__target_id__in=Feature.objects.filter(product_id__in=products).values("pk"),
    )
    rows = (
        processes_selectors.overdue_steps(user=user)
        .filter(about)
        .values_list("pk", "title", "run_id", "run__title", "due_on", "assignee__name",
                     "assignee__email", "assignee_team__name")[:PER_PART]
    )  # fmt: skip
    return [
        ItemSpec(
            kind=AgendaPart.STEPS,
            source_id=pk,
            params={
                "step": title,
                "run": run,
                "due_on": due_on.isoformat(),
                "who": name or email or team or "",
            },  # fmt: skip
            url=reverse("processes:run-detail", args=[run_id]),
        )
        for pk, title, run_id, run, due_on, name, email, team in rows
    ]


def _defects(*, user, occurrence, products, since) -> list[ItemSpec]:
    filters = quality_selectors.DefectFilter(severity="critical", unresolved=True)
    rows = (
        quality_selectors.defect_list(user=user, filters=filters)
        .filter(product_id__in=products)
        .values_list("pk", "title", "status")[:PER_PART]
    )
    return [
        ItemSpec(
            kind=AgendaPart.DEFECTS,
            source_id=pk,
            params={"defect": title, "status": status},
            url=reverse("quality:defect-detail", args=[pk]),
        )
        for pk, title, status in rows
    ]


def _pages(*, user, occurrence, products, since) -> list[ItemSpec]:
    about = Q(links__kind="product", links__target_id__in=products) | Q(
        links__kind="feature",
        links__target_id__in=Feature.objects.filter(product_id__in=products).values("pk"),
    )
    rows = (
        knowledge_selectors.page_list(user=user)
        .stale()
        .filter(about)
        .distinct()
        .select_related(None)
        .only("pk", "title", "review_due_on", "stale_since", "stale_reason")[:PER_PART]
    )
    return [
        ItemSpec(
            kind=AgendaPart.PAGES,
            source_id=page.pk,
            params=_page_params(page),
            url=page.get_absolute_url(),
        )
        for page in rows
    ]


def _page_params(page) -> dict:
    overdue = page.review_due_on and page.review_due_on < clock.now().date()
    return {
        "page": page.title,
        "review_due_on": page.review_due_on.isoformat() if overdue else None,
        "reason": page.stale_reason if page.stale_since else "",
    }


def _actions(*, user, occurrence, products, since) -> list[ItemSpec]:
    rows = (
        ActionItem.objects.open()
        .filter(
            occurrence__series_id=occurrence.series_id,
            occurrence__starts_at__lt=occurrence.starts_at,
        )
        .order_by("due_on", "id")
        .values_list("pk", "title", "owner__name", "owner__email", "due_on", "occurrence_id")
    )
    return [
        ItemSpec(
            kind=AgendaPart.ACTIONS,
            source_id=pk,
            params={
                "action": title,
                "owner": name or email,
                "due_on": due_on.isoformat() if due_on else None,
            },
            url=reverse("meetings:occurrence-detail", args=[occurrence_id]) + f"#action-{pk}",
        )
        for pk, title, name, email, due_on, occurrence_id in rows[: PER_PART * 4]
    ]


PARTS = {
    AgendaPart.FEEDBACK: _feedback,
    AgendaPart.ASKS: _asks,
    AgendaPart.STAGES: _stages,
    AgendaPart.RELEASES: _releases,
    AgendaPart.STEPS: _steps,
    AgendaPart.DEFECTS: _defects,
    AgendaPart.PAGES: _pages,
    AgendaPart.ACTIONS: _actions,
}
