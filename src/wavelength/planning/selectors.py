"""Reads of the planning app, permission-checked, in a fixed number of queries: the roadmap's
timeline and Now / Next / Later board under one set of filters, objectives and their progress,
the feature page's section."""

import datetime as dt
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from wavelength.accounts.models import Team
from wavelength.accounts.permissions import require_member
from wavelength.catalog.models import Feature, Release, Stage, Tag
from wavelength.core import clock

from .models import (
    STAGE_COLUMN,
    Column,
    KeyResult,
    Objective,
    StageRequirement,
    objective_progress,
)
from .services import OPEN

RELEASES_PER_PAGE = 10
FEATURES_PER_RELEASE = 12
FEATURES_PER_COLUMN = 50
GROUPS = ("product", "team", "objective")


@dataclass
class RoadmapFilter:
    """What both roadmap views are narrowed to; every field is optional."""

    product: str | None = None  # a product's slug
    team: str | None = None  # a team's slug
    tag: str | None = None
    stage: str | None = None
    objective: int | None = None
    group: str = "product"

    def as_dict(self) -> dict:
        """The filters set, for an address or a link (the default grouping left out)."""
        values = {k: v for k, v in self.__dict__.items() if v not in (None, "")}
        if values.get("group") == "product":
            del values["group"]
        return values

    @property
    def narrows_features(self) -> bool:
        return any((self.team, self.tag, self.stage, self.objective))


def column_expression():
    """A feature's column: where someone placed it, else where its stage puts it."""
    by_stage = [
        When(stage__in=[s for s, c in STAGE_COLUMN.items() if c == column], then=Value(column))
        for column in Column.values
    ]
    return Coalesce(
        "roadmap_placement__column", Case(*by_stage, default=None, output_field=CharField())
    )


def features_matching(filters: RoadmapFilter) -> QuerySet[Feature]:
    qs = Feature.objects.all()
    if filters.product:
        qs = qs.filter(product__slug=filters.product)
    if filters.team:
        qs = qs.filter(owner_team__slug=filters.team)
    if filters.stage:
        qs = qs.filter(stage=filters.stage)
    if filters.tag:
        qs = qs.filter(tags__name=filters.tag.strip().lower())
    if filters.objective:
        qs = qs.filter(objectives__pk=filters.objective)
    return qs


def _card_relations(qs: QuerySet[Feature]) -> QuerySet[Feature]:
    """What a card shows, its tags and objectives as plain lists (``card_tags``,
    ``card_objectives``): a related manager per card cost more than the rest of the card."""
    qs = qs.select_related("product", "owner_team", "roadmap_placement")
    return qs.defer("description", "product__description").prefetch_related(
        Prefetch("tags", queryset=Tag.objects.order_by("name"), to_attr="card_tags"),
        Prefetch("objectives", queryset=Objective.objects.only("pk", "title"),
                 to_attr="card_objectives"),
    )  # fmt: skip


# Timeline ---------------------------------------------------------------------------------


@dataclass
class TimelineRelease:
    release: Release
    features: list[Feature]
    total: int
    late: bool

    @property
    def hidden(self) -> int:
        return max(0, self.total - len(self.features))


@dataclass
class Lane:
    key: str
    label: str
    releases: list[TimelineRelease] = field(default_factory=list)


def is_late(release: Release, today: dt.date | None = None) -> bool:
    """A planned or in-progress release whose target date has passed."""
    today = today or clock.now().date()
    return bool(release.status in OPEN and release.target_date and release.target_date < today)


def timeline_releases(*, user, filters: RoadmapFilter) -> QuerySet[Release]:
    """The open releases on the timeline, by target date (undated last)."""
    require_member(user)
    qs = Release.objects.filter(status__in=OPEN).select_related("product")
    if filters.product:
        qs = qs.filter(product__slug=filters.product)
    if filters.narrows_features:
        through = Release.features.through.objects.filter(
            release_id=OuterRef("pk"), feature__in=features_matching(filters)
        )
        qs = qs.filter(Exists(through))
    return qs.order_by(Coalesce("target_date", Value(dt.date.max)), "product__name", "pk")


def timeline(*, user, filters: RoadmapFilter, page=1, per_page: int = RELEASES_PER_PAGE):
    """One page of the timeline: its releases (each with its matching features, the first
    ``FEATURES_PER_RELEASE`` by title loaded and shown) in lanes of the chosen grouping."""
    releases = timeline_releases(user=user, filters=filters)
    page = Paginator(releases, per_page).get_page(page)
    releases = list(page)
    shown, totals = _features_of(releases, filters)
    today = clock.now().date()
    rows = [
        TimelineRelease(
            release=r, features=shown.get(r.pk, []), total=totals.get(r.pk, 0),
            late=is_late(r, today),
        )
        for r in releases
    ]  # fmt: skip
    return page, _lanes(rows, filters.group)


def _features_of(releases: list[Release], filters: RoadmapFilter):
    """The features shown for each release (loaded with everything a card shows) and how
    many match in all: the links are read as ids and titles, only the shown rows in full."""
    links = Release.features.through.objects.filter(release_id__in=[r.pk for r in releases])
    if filters.narrows_features:  # a release ships only its product's features already
        links = links.filter(feature__in=features_matching(filters))
    links = links.order_by("release_id", "feature__title", "feature_id").values_list(
        "release_id", "feature_id"
    )
    wanted: dict[int, list[int]] = {}
    totals: dict[int, int] = {}
    for release_id, feature_id in links:
        totals[release_id] = totals.get(release_id, 0) + 1
        if totals[release_id] <= FEATURES_PER_RELEASE:
            wanted.setdefault(release_id, []).append(feature_id)
    ids = {f for items in wanted.values() for f in items}
    features = _card_relations(Feature.objects.filter(pk__in=ids))
    by_id = {f.pk: f for f in features.annotate(column=column_expression())}
    shown = {r: [by_id[f] for f in items] for r, items in wanted.items()}
    return shown, totals


def _lanes(rows: list[TimelineRelease], group: str) -> list[Lane]:
    from django.utils.translation import gettext as _

    lanes: dict[str, Lane] = {}
    if group not in ("team", "objective"):
        for row in rows:
            product = row.release.product
            lanes.setdefault(product.slug, Lane(product.slug, product.name)).releases.append(row)
        return sorted(lanes.values(), key=lambda lane: lane.label.lower())
    for row in rows:
        keyed: dict[str, tuple[str, list[Feature]]] = {}
        for feature in row.features:
            for key, label in _keys(feature, group):
                keyed.setdefault(key, (label, []))[1].append(feature)
        if not row.features:
            keyed[""] = (_("No team") if group == "team" else _("No objective"), [])
        for key, (label, features) in keyed.items():
            lane = lanes.setdefault(key, Lane(key, label))
            # Features past the shown ones are not sorted into lanes: each lane says they exist.
            total = len(features) + row.hidden
            lane.releases.append(TimelineRelease(row.release, features, total, row.late))
    return sorted(lanes.values(), key=lambda lane: (lane.key == "", lane.label.lower()))


def _keys(feature: Feature, group: str) -> list[tuple[str, str]]:
    from django.utils.translation import gettext as _

    if group == "team":
        team = feature.owner_team
        return [(team.slug, team.name)] if team else [("", _("No team"))]
    objectives = feature.card_objectives
    return [(str(o.pk), o.title) for o in objectives] or [("", _("No objective"))]


# Now / Next / Later -----------------------------------------------------------------------


@dataclass
class BoardColumn:
    column: str
    label: str
    count: int
    features: list[Feature]

    @property
    def hidden(self) -> int:
        return max(0, self.count - len(self.features))


def board_features(*, user, filters: RoadmapFilter) -> QuerySet[Feature]:
    """Every feature on the Now / Next / Later board, with its ``column``."""
    require_member(user)
    qs = features_matching(filters).annotate(column=column_expression())
    return qs.exclude(column=None)


def board(*, user, filters: RoadmapFilter, limit: int = FEATURES_PER_COLUMN) -> list[BoardColumn]:
    """The three columns, each with its count and its first ``limit`` features."""
    qs = board_features(user=user, filters=filters)
    counts = dict(qs.order_by().values_list("column").annotate(n=Count("pk", distinct=True)))
    out = []
    for column in Column:
        features = _card_relations(qs.filter(column=column.value)).order_by(
            "product__name", "title", "pk"
        )
        if filters.narrows_features:
            features = features.distinct()
        out.append(
            BoardColumn(column.value, column.label, counts.get(column.value, 0),
                        list(features[:limit]))
        )  # fmt: skip
    return out


def column_page(*, user, filters: RoadmapFilter, column: str, page=1):
    """One column of the board, paginated (its "more" link)."""
    qs = board_features(user=user, filters=filters).filter(column=column)
    qs = _card_relations(qs).order_by("product__name", "title", "pk")
    return Paginator(
        qs.distinct() if filters.narrows_features else qs, FEATURES_PER_COLUMN
    ).get_page(page)


def move_targets(*, user, features: list[Feature]) -> dict[int, list[Release]]:
    """For each product of ``features``, the open releases a feature may move into."""
    require_member(user)
    products = {f.product_id for f in features}
    out: dict[int, list[Release]] = {p: [] for p in products}
    releases = Release.objects.filter(status__in=OPEN, product_id__in=products)
    for release in releases.order_by(Coalesce("target_date", Value(dt.date.max)), "pk"):
        out[release.product_id].append(release)
    return out


# Export -----------------------------------------------------------------------------------


def export_rows(*, user, filters: RoadmapFilter):
    """Every feature on the roadmap (in an open release or on the board), for the CSV."""
    require_member(user)
    qs = features_matching(filters).annotate(column=column_expression())
    in_open = Release.features.through.objects.filter(
        feature_id=OuterRef("pk"), release__status__in=OPEN
    )
    qs = qs.filter(Q(column__isnull=False) | Exists(in_open))
    if filters.narrows_features:
        qs = qs.distinct()
    open_releases = Prefetch(
        "releases",
        queryset=Release.objects.filter(status__in=OPEN).order_by("target_date", "pk"),
        to_attr="open_releases",
    )
    qs = _card_relations(qs).prefetch_related(open_releases).order_by("product__name", "title")
    today = clock.now().date()
    for feature in qs.iterator(chunk_size=500):
        yield feature, [(r, is_late(r, today)) for r in feature.open_releases]


# Filter choices ---------------------------------------------------------------------------


def filter_choices(*, user) -> dict:
    require_member(user)
    from wavelength.catalog.models import Product

    return {
        "products": list(Product.objects.order_by("name").values_list("slug", "name")),
        "teams": list(Team.objects.order_by("name").values_list("slug", "name")),
        "tags": list(
            Tag.objects.filter(features__isnull=False)
            .distinct()
            .values_list("name", flat=True)[:200]
        ),
        "stages": Stage.choices,
        "objectives": list(
            Objective.objects.order_by("-period_end", "title").values_list("pk", "title")[:200]
        ),
    }


# Objectives -------------------------------------------------------------------------------


def _with_key_results(qs: QuerySet[Objective]) -> QuerySet[Objective]:
    return qs.select_related("owner", "product").prefetch_related(
        Prefetch("key_results", queryset=KeyResult.objects.order_by("position", "pk"))
    )


def objective_list(
    *, user, product: str | None = None, period: str | None = None, owner=None
) -> QuerySet[Objective]:
    """Objectives, newest period first; ``period`` "current", "past" or "future"."""
    require_member(user)
    qs = _with_key_results(Objective.objects.annotate(feature_count=Count("features")))
    today = clock.now().date()
    if product:
        qs = qs.filter(product__slug=product)
    if owner is not None:
        qs = qs.filter(owner=owner)
    if period == "current":
        qs = qs.filter(period_start__lte=today, period_end__gte=today)
    elif period == "past":
        qs = qs.filter(period_end__lt=today)
    elif period == "future":
        qs = qs.filter(period_start__gt=today)
    return qs.order_by("-period_end", "title", "pk")


def objective_get(*, user, pk: int) -> Objective:
    require_member(user)
    return get_object_or_404(_with_key_results(Objective.objects.all()), pk=pk)


def objective_features(*, user, objective: Objective) -> QuerySet[Feature]:
    require_member(user)
    return _card_relations(objective.features.all()).order_by("product__name", "title", "pk")


def key_result_get(*, user, pk: int) -> KeyResult:
    require_member(user)
    return get_object_or_404(KeyResult.objects.select_related("objective"), pk=pk)


def progress(objective: Objective) -> int:
    return objective_progress(objective.key_results.all())


@dataclass
class FeaturePlanning:
    """The feature page's "Objectives and roadmap" section."""

    feature: Feature
    column: str | None
    placed: object
    releases: list[Release]
    objectives: list[Objective]
    decisions: list
    late_ids: set[int]
    targets: list[Release]
    objective_choices: list[Objective]
    readiness: list = field(default_factory=list)

    @property
    def column_label(self) -> str:
        return str(Column(self.column).label) if self.column else ""

    @property
    def column_choices(self):
        return Column.choices


def feature_planning(*, user, feature: Feature) -> list[FeaturePlanning]:
    """Where ``feature`` sits on the roadmap, why (the latest moves), its objectives, and
    (for editors) where it could go."""
    from django.contrib.contenttypes.models import ContentType

    from wavelength.core.models import Activity

    require_member(user)
    row = Feature.objects.annotate(column=column_expression()).filter(pk=feature.pk)
    row = row.select_related("roadmap_placement").first()
    releases = list(feature.releases.filter(status__in=OPEN).select_related("product"))
    objectives = list(feature.objectives.order_by("-period_end", "title"))
    ct = ContentType.objects.get_for_model(Feature)
    decisions = list(
        Activity.objects.filter(target_type=ct, target_id=feature.pk, verb="roadmap_moved")
        .select_related("actor")
        .order_by("-created_at", "-pk")[:5]
    )
    today = clock.now().date()
    targets, choices = [], []
    if getattr(user, "can_edit", False):
        targets = move_targets(user=user, features=[feature]).get(feature.product_id, [])
        choices = list(
            Objective.objects.current(today)
            .filter(Q(product=None) | Q(product_id=feature.product_id))
            .exclude(pk__in=[o.pk for o in objectives])
            .order_by("title")[:100]
        )
    return [
        FeaturePlanning(
            feature=feature,
            column=row.column if row else None,
            placed=getattr(row, "roadmap_placement", None) if row else None,
            releases=releases,
            objectives=objectives,
            decisions=decisions,
            late_ids={r.pk for r in releases if is_late(r, today)},
            targets=targets,
            objective_choices=choices,
            readiness=feature_readiness(user=user, feature=feature),
        )
    ]


# Stage standards --------------------------------------------------------------------------


@dataclass
class StageStandard:
    stage: str
    label: str
    requirements: list  # (value, label)


def stage_standards(*, user, product) -> list[StageStandard]:
    """Each stage a standard can be set for, with what ``product``'s features need before
    entering it (one query)."""
    from . import standards

    require_member(user)
    labels = dict(standards.options())
    rows = StageRequirement.objects.filter(product=product).order_by("stage", "position", "pk")
    by_stage: dict[str, list] = {}
    for row in rows:
        value = standards.option_value(row.condition, row.param)
        label = standards.requirement_label(row.condition, row.param, labels)
        by_stage.setdefault(row.stage, []).append((value, label))
    return [
        StageStandard(stage, str(Stage(stage).label), by_stage.get(stage, []))
        for stage in standards.STAGES
    ]


@dataclass
class Check:
    label: str
    ok: bool
    detail: str
    missing: list


@dataclass
class Readiness:
    """Whether a feature meets its product's standard for a stage it may enter."""

    stage: str
    label: str
    checks: list[Check]

    @property
    def ready(self) -> bool:
        return all(c.ok for c in self.checks)

    @property
    def met(self) -> int:
        return sum(1 for c in self.checks if c.ok)


def feature_readiness(*, user, feature: Feature, stages=None) -> list[Readiness]:
    """For each stage ``feature`` may move to (or ``stages``), each requirement of its
    product's standard with its result and links to what is missing."""
    from . import standards

    require_member(user)
    stages = [s for s in (stages or feature.allowed_stages) if s in Stage.values]
    rows = StageRequirement.objects.filter(product_id=feature.product_id, stage__in=stages)
    by_stage: dict[str, list] = {}
    for row in rows.order_by("position", "pk"):
        by_stage.setdefault(row.stage, []).append(row)
    labels = dict(standards.options()) if by_stage else {}
    out = []
    for stage in stages:
        checks = []
        for row in by_stage.get(stage, []):
            label, result = standards.evaluate(row, feature, labels)
            checks.append(Check(label, result.ok, str(result.detail), list(result.missing)))
        out.append(Readiness(stage, str(Stage(stage).label), checks))
    return out


def standard_overrides(*, user, product=None):
    """Stage moves made without meeting the standard, newest first (who, when, why, what)."""
    from django.contrib.contenttypes.models import ContentType

    from wavelength.core.models import Activity

    require_member(user)
    ct = ContentType.objects.get_for_model(Feature)
    qs = Activity.objects.filter(target_type=ct, verb="stage_changed", payload__has_key="unmet")
    if product is not None:
        qs = qs.filter(scope=product.scope)
    return qs.select_related("actor").order_by("-created_at", "-pk")
