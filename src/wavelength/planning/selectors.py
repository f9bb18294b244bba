"""Reads of the planning app, permission-checked, in a fixed number of queries: the roadmap's
timeline and Now / Next / Later board under one set of filters, objectives and their progress,
the feature page's section."""

import datetime as dt
import functools
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db import connection
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
    Window,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.urls import reverse

from wavelength.accounts.models import Team
from wavelength.accounts.permissions import require_member
from wavelength.catalog.models import Feature, Product, Release, ReleaseStatus, Stage, Tag
from wavelength.core import clock

from .models import (
    STAGE_COLUMN,
    Column,
    KeyResult,
    Objective,
    Placement,
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


def column_expression(prefix: str = ""):
    """A feature's column: where someone placed it, else where its stage puts it
    (``prefix`` reaches the feature from another model, ``"feature__"``)."""
    by_stage = [
        When(**{f"{prefix}stage__in": [s for s, c in STAGE_COLUMN.items() if c == column]},
             then=Value(column))
        for column in Column.values
    ]  # fmt: skip
    return Coalesce(
        f"{prefix}roadmap_placement__column",
        Case(*by_stage, default=None, output_field=CharField()),
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
#
# The timeline is read as plain values, one query per kind of data (the page of releases, the
# shown cards with their team and column, their tags, their objectives, the "Move to" choices),
# into the small rows below: building model instances and prefetching managers for 120 cards
# cost several times the SQL.


@dataclass(slots=True)
class Named:
    """A card's product, team, tag or objective: what the card says and links to."""

    pk: int | None
    name: str
    slug: str = ""

    @property
    def title(self) -> str:
        return self.name


@dataclass(slots=True)
class Card:
    """A feature as a roadmap card shows it."""

    pk: int
    title: str
    stage: str
    product_id: int
    product: Named
    owner_team: Named | None
    column: str | None
    card_tags: list[Named] = field(default_factory=list)
    card_objectives: list[Named] = field(default_factory=list)
    move_url: str = ""
    move_options: str = ""


@dataclass(slots=True)
class ReleaseRow:
    """An open release as the timeline shows it."""

    pk: int
    product_id: int
    product: Named
    version: str
    name: str
    status: str
    target_date: dt.date | None
    url: str

    def get_absolute_url(self) -> str:
        return self.url

    def get_status_display(self) -> str:
        return str(ReleaseStatus(self.status).label)


@dataclass(slots=True)
class Target:
    """An open release a card may move into."""

    pk: int
    version: str
    target_date: dt.date | None


@dataclass
class TimelineRelease:
    release: ReleaseRow
    features: list[Card]
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


@dataclass
class Timeline:
    """One page of the timeline: its paginator page, its lanes and, per product of its
    cards, the open releases they may move into (when asked for)."""

    page: object
    lanes: list[Lane]
    targets: dict[int, list[Target]]


def is_late(release, today: dt.date | None = None) -> bool:
    """A planned or in-progress release whose target date has passed."""
    today = today or clock.now().date()
    return bool(release.status in OPEN and release.target_date and release.target_date < today)


RELEASE_FIELDS = ("pk", "product_id", "product__name", "product__slug", "version", "name",
                  "status", "target_date")  # fmt: skip


def timeline_releases(*, user, filters: RoadmapFilter) -> QuerySet[Release]:
    """The open releases on the timeline, by target date (undated last)."""
    require_member(user)
    qs = Release.objects.filter(status__in=OPEN)
    if filters.product:
        qs = qs.filter(product__slug=filters.product)
    if filters.narrows_features:
        through = Release.features.through.objects.filter(
            release_id=OuterRef("pk"), feature__in=features_matching(filters)
        )
        qs = qs.filter(Exists(through))
    return qs.order_by(Coalesce("target_date", Value(dt.date.max)), "product__name", "pk")


def timeline(
    *, user, filters: RoadmapFilter, page=1, per_page: int = RELEASES_PER_PAGE,
    targets: bool = False,
) -> Timeline:  # fmt: skip
    """One page of the timeline: its releases (each with its matching features, the first
    ``FEATURES_PER_RELEASE`` by title, and how many match in all) in lanes of the chosen
    grouping; with ``targets``, the open releases each shown product's cards may move into."""
    page = _release_page(timeline_releases(user=user, filters=filters), page, per_page)
    url = reverse("catalog:release-detail", args=[0]).replace("/0/", "/{}/")
    releases = [
        ReleaseRow(pk, product_id, Named(product_id, product, slug), version, name, status,
                   target, url.format(pk))
        for pk, product_id, product, slug, version, name, status, target, _n in page.object_list
    ]  # fmt: skip
    shown, totals = _cards_of([r.pk for r in releases], filters)
    today = clock.now().date()
    rows = [
        TimelineRelease(release=r, features=shown.get(r.pk, []), total=totals.get(r.pk, 0),
                        late=is_late(r, today))
        for r in releases
    ]  # fmt: skip
    products = {r.product_id for r in releases}
    return Timeline(page, _lanes(rows, filters.group), _targets(products) if targets else {})


def _release_page(qs: QuerySet[Release], number, per_page: int) -> Page:
    """A page of releases read with their total count in one query (``COUNT(*) OVER ()``);
    a page past the end falls back to the paginator's own count and last page."""
    qs = qs.annotate(n=Window(Count("pk"))).values_list(*RELEASE_FIELDS, "n")
    paginator = Paginator(qs, per_page)
    try:
        number = max(1, int(number or 1))
    except (TypeError, ValueError):
        number = 1
    start = (number - 1) * per_page
    rows = list(qs[start : start + per_page])
    if not rows and number > 1:
        return paginator.get_page(number)
    paginator.count = rows[0][-1] if rows else 0  # set before anything reads it
    return Page(rows, number, paginator)


_STAGE_COLUMN = {stage.value: column.value for stage, column in STAGE_COLUMN.items()}


CARDS_SQL = (
    "SELECT release_id, feature_id, title, stage, product_id, product_slug, team_id, team_name,"
    " team_slug, placed, total FROM ("
    " SELECT l.release_id, f.id AS feature_id, f.title, f.stage, f.product_id,"
    " p.slug AS product_slug, f.owner_team_id AS team_id, t.name AS team_name,"
    " t.slug AS team_slug, pl.{column} AS placed,"
    " ROW_NUMBER() OVER (PARTITION BY l.release_id ORDER BY f.title, f.id) AS n,"
    " COUNT(*) OVER (PARTITION BY l.release_id) AS total"
    " FROM {links} l JOIN {feature} f ON f.id = l.feature_id"
    " JOIN {product} p ON p.id = f.product_id"
    " LEFT JOIN {team} t ON t.id = f.owner_team_id"
    " LEFT JOIN {placement} pl ON pl.feature_id = f.id"
    " WHERE l.release_id IN ({releases}){matching}"
    ") shown WHERE n <= %s ORDER BY release_id, n"
)
LABELS_SQL = (  # tags by name, objectives in the order they were made
    "SELECT 0, x.feature_id, x.tag_id, g.name, g.name FROM {tags} x"
    " JOIN {tag} g ON g.id = x.tag_id WHERE x.feature_id IN ({features})"
    " UNION ALL SELECT 1, y.feature_id, y.objective_id, o.title, '' FROM {aims} y"
    " JOIN {aim} o ON o.id = y.objective_id WHERE y.feature_id IN ({features})"
    " ORDER BY 1, 5, 3"
)


@functools.cache
def _statements() -> tuple[str, str]:
    """The cards' two statements with the models' table names, made once. The ORM's version
    of the first (two window functions, wrapped to filter on one) took three times as long to
    build as the database took to run it, at every view of the roadmap."""
    q = connection.ops.quote_name
    tables = {
        "links": Release.features.through, "feature": Feature, "product": Product,
        "team": Team, "placement": Placement, "tags": Feature.tags.through, "tag": Tag,
        "aims": Objective.features.through, "aim": Objective,
    }  # fmt: skip
    names = {key: q(model._meta.db_table) for key, model in tables.items()}
    later = {"releases": "{releases}", "matching": "{matching}", "features": "{features}"}
    return (
        CARDS_SQL.format(column=q("column"), **names, **later),
        LABELS_SQL.format(**names, **later),
    )


def _marks(n: int) -> str:
    return ", ".join(["%s"] * n)


def _cards_of(release_ids: list[int], filters: RoadmapFilter):
    """The cards shown for each release and how many features match in all: one statement
    numbers each release's features by title and keeps the first ``FEATURES_PER_RELEASE``,
    one more reads their tags and objectives."""
    if not release_ids:
        return {}, {}
    params, matching = [*release_ids], ""
    if filters.narrows_features:  # a release ships only its product's features already
        inner, inner_params = features_matching(filters).values("pk").query.sql_with_params()
        params, matching = [*params, *inner_params], f" AND f.id IN ({inner})"
    sql = _statements()[0].format(releases=_marks(len(release_ids)), matching=matching)
    shown: dict[int, list[Card]] = {}
    totals: dict[int, int] = {}
    cards: dict[int, list[Card]] = {}  # a feature may sit in two releases of the page
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, FEATURES_PER_RELEASE])
        rows = cursor.fetchall()
    for row in rows:
        release_id, pk, title, stage, product_id, product, team_id, team, team_slug = row[:9]
        team = Named(team_id, team, team_slug) if team_id else None
        column = row[9] or _STAGE_COLUMN.get(stage)  # as column_expression() says
        card = Card(pk, title, stage, product_id, Named(product_id, "", product), team, column)
        shown.setdefault(release_id, []).append(card)
        cards.setdefault(pk, []).append(card)
        totals[release_id] = row[10]
    _attach_labels(cards)
    return shown, totals


def _attach_labels(cards: dict[int, list[Card]]) -> None:
    """Each card's tags (by name) and objectives (in the order they were made), in one
    statement."""
    if not cards:
        return
    marks = _marks(len(cards))
    with connection.cursor() as cursor:
        cursor.execute(_statements()[1].format(features=marks), [*cards, *cards])
        rows = cursor.fetchall()
    for kind, feature_id, pk, name, _order in rows:
        label = Named(pk, name)
        for card in cards[feature_id]:
            (card.card_objectives if kind else card.card_tags).append(label)


def _targets(products) -> dict[int, list[Target]]:
    """For each of ``products``, its open releases by target date (the "Move to" choices)."""
    out: dict[int, list[Target]] = {p: [] for p in products}
    releases = Release.objects.filter(status__in=OPEN, product_id__in=products)
    order = (Coalesce("target_date", Value(dt.date.max)), "pk")
    fields = ("product_id", "pk", "version", "target_date")
    for product_id, pk, version, target in releases.order_by(*order).values_list(*fields):
        out[product_id].append(Target(pk, version, target))
    return out


def _lanes(rows: list[TimelineRelease], group: str) -> list[Lane]:
    from django.utils.translation import gettext as _

    lanes: dict[str, Lane] = {}
    if group not in ("team", "objective"):
        for row in rows:
            product = row.release.product
            lanes.setdefault(product.slug, Lane(product.slug, product.name)).releases.append(row)
        return sorted(lanes.values(), key=lambda lane: lane.label.lower())
    for row in rows:
        keyed: dict[str, tuple[str, list[Card]]] = {}
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


def _keys(feature: Card, group: str) -> list[tuple[str, str]]:
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
