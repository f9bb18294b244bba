"""Reads of the catalog that cross models or check permissions."""

import dataclasses
import datetime as dt
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, Max, Q, QuerySet, Window
from django.db.models.functions import RowNumber, TruncMinute
from django.shortcuts import get_object_or_404

from wavelength.accounts.models import User
from wavelength.accounts.permissions import require_member
from wavelength.core.models import Activity
from wavelength.core.schemas import MAX_ID

from . import gates, shipping
from .models import ChangelogEntry, Feature, Product, Release, Stage, Visibility


@dataclass
class FeatureFilter:
    product: str | int | None = None
    stage: str | None = None
    team: str | int | None = None
    tag: str | None = None
    owner: int | None = None
    updated_since: dt.datetime | None = None
    q: str | None = None


def product_list(*, user) -> QuerySet[Product]:
    require_member(user)
    return Product.objects.annotate(
        feature_count=Count("features", distinct=True),
        release_count=Count("releases", distinct=True),
    )


def by_key(key: str | int, *, pk: str = "pk", slug: str = "slug") -> dict:
    """The lookup for an id or a slug: digits within the ids' range are an id, anything else
    (a number too large to be an id included) a slug, which then matches nothing."""
    text = str(key)
    if text.isascii() and text.isdigit() and int(text) <= MAX_ID:
        return {pk: int(text)}
    return {slug: text}


def product_get(*, user, key: str | int) -> Product:
    require_member(user)
    return get_object_or_404(Product, **by_key(key))


def feature_list(*, user, filters: FeatureFilter | None = None) -> QuerySet[Feature]:
    """Features matching the filters, with everything a row shows prefetched."""
    require_member(user)
    f = filters or FeatureFilter()
    qs = Feature.objects.with_relations()
    if f.product:
        qs = qs.filter(**by_key(f.product, pk="product_id", slug="product__slug"))
    if f.stage:
        qs = qs.filter(stage=f.stage)
    if f.team:
        qs = qs.filter(**by_key(f.team, pk="owner_team_id", slug="owner_team__slug"))
    if f.tag:
        qs = qs.filter(tags__name=f.tag.lower())
    if f.owner:
        qs = qs.filter(owner_id=f.owner)
    if f.updated_since:
        qs = qs.filter(updated_at__gte=f.updated_since)
    if f.q:
        qs = qs.filter(Q(title__icontains=f.q) | Q(description__icontains=f.q))
    return qs.order_by("-updated_at", "-id")


def product_stage_counts(*, user) -> dict[int, dict[str, int]]:
    """``{product_id: {stage: number of features}}`` for every product, in one query."""
    require_member(user)
    counts: dict[int, dict[str, int]] = {}
    rows = Feature.objects.order_by().values_list("product_id", "stage").annotate(n=Count("id"))
    for product_id, stage, n in rows:
        counts.setdefault(product_id, {})[stage] = n
    return counts


def feature_get(*, user, pk: int) -> Feature:
    require_member(user)
    return get_object_or_404(Feature.objects.with_relations(), pk=pk)


@dataclass
class BoardColumn:
    stage: str
    label: str
    features: list[Feature]
    count: int

    @property
    def hidden(self) -> int:
        return self.count - len(self.features)


def product_board(
    *, user, product: Product, filters: FeatureFilter | None = None, per_column: int = 60
) -> list[BoardColumn]:
    """The product's features grouped by lifecycle stage, in lifecycle order.

    Each column holds its ``per_column`` most recently moved cards and the total count, so
    the board costs the same number of queries and rows however large the product grows.
    ``filters`` (team, tag, text…) narrow the cards; its ``product`` is always this product.
    """
    require_member(user)
    board_filters = dataclasses.replace(filters or FeatureFilter(), product=product.pk)
    matching = feature_list(user=user, filters=board_filters)
    counts = dict(matching.order_by().values_list("stage").annotate(n=Count("id")))
    rank = Window(
        RowNumber(),
        partition_by=[F("stage")],
        order_by=[F("stage_entered_at").desc(), F("id").desc()],
    )
    ranked = matching.annotate(rank=rank).filter(rank__lte=per_column).order_by("rank")
    columns: dict[str, list[Feature]] = {s: [] for s in Stage.values}
    for feature in ranked:
        columns[feature.stage].append(feature)
    return [BoardColumn(s.value, s.label, columns[s.value], counts.get(s.value, 0)) for s in Stage]


def release_list(*, user, product: Product | None = None, status: str | None = None):
    require_member(user)
    qs = Release.objects.select_related("product").annotate(feature_count=Count("features"))
    if product is not None:
        qs = qs.filter(product=product)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-released_on", "-target_date", "-id")


def release_get(*, user, pk: int) -> Release:
    require_member(user)
    return get_object_or_404(Release.objects.select_related("product"), pk=pk)


def changelog_list(*, user, public_only: bool = False, product: Product | None = None):
    """Changelog entries, newest release first."""
    if not public_only:
        require_member(user)
    qs = ChangelogEntry.objects.select_related("release__product", "author")
    if public_only:
        qs = qs.filter(visibility=Visibility.PUBLIC)
    if product is not None:
        qs = qs.filter(release__product=product)
    return qs.order_by("-release__released_on", "-created_at", "-id")


def history_for(*, user, obj) -> QuerySet[Activity]:
    """The timeline of one object, newest first."""
    require_member(user)
    ct = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    return Activity.objects.filter(target_type=ct, target_id=obj.pk).select_related("actor")


@dataclass(frozen=True)
class ShippedGate:
    """The gate's verdict as it was frozen into the ``released`` activity."""

    actor: object
    created_at: object
    verdicts: list
    override_reason: str


def shipped_gate(*, user, release: Release) -> ShippedGate | None:
    """What the gate said when ``release`` shipped (``None`` before, or without a gate)."""
    row = history_for(user=user, obj=release).filter(verb="released").order_by("-created_at")
    row = row.first()
    if row is None or not row.payload.get("gate"):
        return None
    # The evidence stays as recorded; a criterion still registered shows its label translated.
    labels = {c.key: str(c.label) for c in gates.criteria()}
    verdicts = [{**v, "label": labels.get(v["key"], v["label"])} for v in row.payload["gate"]]
    return ShippedGate(
        actor=row.actor,
        created_at=row.created_at,
        verdicts=verdicts,
        override_reason=row.payload.get("override_reason", ""),
    )


@dataclass
class ShipSummary:
    """Everything the ship confirmation shows: the gate as it is now, the features with the
    stage each would reach, and the other apps' parts (untested cases, open defects…)."""

    release: Release
    verdicts: list
    gate_ok: bool
    features: list[Feature]
    features_to: str
    parts: list

    def moving(self, stage: str) -> list[Feature]:
        """The features shipping at ``stage`` would move on."""
        if not stage:
            return []
        earlier = set(shipping.stages_before(stage))
        return [f for f in self.features if f.stage in earlier]

    @property
    def attention(self) -> int:
        """How many things the parts ask to look at before shipping."""
        return sum(p.part.count for p in self.parts)


def release_ship_summary(*, user, release: Release) -> ShipSummary:
    """What shipping ``release`` would do and what is still open, for its confirmation."""
    require_member(user)
    verdicts = gates.evaluate(release)
    features = list(release.features.select_related("owner_team", "area").order_by("title", "pk"))
    return ShipSummary(
        release=release,
        verdicts=verdicts,
        gate_ok=gates.passes(verdicts),
        features=features,
        features_to=shipping.default_features_to(release),
        parts=shipping.summary_parts(release),
    )


def product_timeline(*, user, product: Product) -> QuerySet[Activity]:
    """Everything that happened to a product, its features, releases and changelog."""
    require_member(user)
    return Activity.objects.in_scope(product.scope).select_related("actor", "target_type")


def recent_changes(*, user, since: dt.datetime) -> QuerySet[Activity]:
    """Catalog activity since ``since`` (the home page's "what changed this week")."""
    require_member(user)
    return (
        Activity.objects.since(since)
        .filter(scope__startswith="catalog.")
        .select_related("actor", "target_type")
    )


# What the home page's changes can be narrowed to: the kinds of object they are about.
CHANGE_KINDS = ("product", "feature", "release", "changelogentry", "area")


def recent_change_groups(
    *,
    user,
    since: dt.datetime,
    product: Product | None = None,
    kind: str | None = None,
    actor_id: int | None = None,
) -> QuerySet:
    """The catalog's changes since ``since``, bulk changes grouped: one row per person, verb
    and kind of object within the same minute (an import or a setup script makes hundreds),
    newest first, each with how many it holds and its latest activity's id (``latest``)."""
    changes = recent_changes(user=user, since=since)
    if product is not None:
        changes = changes.filter(scope=product.scope)
    if kind in CHANGE_KINDS:
        changes = changes.filter(target_type__app_label="catalog", target_type__model=kind)
    if actor_id is not None:
        changes = changes.filter(actor_id=actor_id)
    return (
        changes.annotate(minute=TruncMinute("created_at"))
        .order_by()
        .values("actor_id", "verb", "target_type_id", "minute")
        .annotate(n=Count("pk"), latest=Max("pk"), at=Max("created_at"))
        .order_by("-at", "-latest")
    )


def recent_change_actors(*, user, since: dt.datetime) -> QuerySet:
    """The people who changed the catalog since ``since`` (the home page's person filter)."""
    ids = recent_changes(user=user, since=since).exclude(actor=None).values("actor_id")
    return User.objects.filter(pk__in=ids).order_by("name", "email")
