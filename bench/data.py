"""Generate a benchmark catalog with bulk inserts: once per scale into its own SQLite file, or
into the PostgreSQL database created for the run.

Unlike the demo, this bypasses the services on purpose: a million activity rows through the
services would take an hour. Rows are shaped like the ones the services write (an activity
per change with a field diff, stage entries along the lifecycle, releases shipping features).
"""

import json
import math
import random
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection, transaction

from wavelength.accounts.models import Role, Team, User
from wavelength.catalog.models import (
    Area,
    ChangelogEntry,
    Feature,
    Product,
    Release,
    ReleaseStatus,
    Stage,
    StageEntry,
    Tag,
    Visibility,
)
from wavelength.core.models import Activity

from .database import fast_writes
from .feedback_data import make_feedback

# Bump when the shape of the generated data changes: existing files are then rebuilt.
GENERATOR_VERSION = 4
ADMIN_EMAIL = "bench-admin@bench.example"
BATCH = 5_000
ACTIVITY_BATCH = 50_000
ACTIVITY_COLUMNS = (
    "actor_id", "verb", "target_type_id", "target_id", "target_repr", "scope", "payload",
    "created_at",
)  # fmt: skip

STAGE_WEIGHTS = {
    Stage.IDEA: 15, Stage.DISCOVERY: 10, Stage.PLANNED: 15, Stage.IN_DEVELOPMENT: 15,
    Stage.BETA: 10, Stage.GENERALLY_AVAILABLE: 25, Stage.DEPRECATED: 5, Stage.RETIRED: 5,
}  # fmt: skip
FORWARD = [
    Stage.IDEA, Stage.DISCOVERY, Stage.PLANNED, Stage.IN_DEVELOPMENT, Stage.BETA,
    Stage.GENERALLY_AVAILABLE, Stage.DEPRECATED, Stage.RETIRED,
]  # fmt: skip
WORDS = [
    "offline", "sync", "export", "import", "dashboard", "alert", "report", "filter", "search",
    "billing", "invoice", "permission", "audit", "webhook", "schedule", "route", "mobile",
    "portal", "widget", "chart", "forecast", "template", "approval", "workflow", "integration",
    "connector", "token", "session", "inventory", "calendar", "comment",
]  # fmt: skip
AREAS = ["Core", "Reporting", "Integrations", "Administration", "Mobile"]


@dataclass(frozen=True)
class Scale:
    name: str
    products: int
    features: int
    releases: int
    activities: int
    people: int
    companies: int
    feedback: int


SCALES = {
    "S": Scale(
        "S",
        products=2,
        features=1_000,
        releases=20,
        activities=20_000,
        people=20,
        companies=500,
        feedback=10_000,
    ),
    "M": Scale(
        "M",
        products=20,
        features=20_000,
        releases=500,
        activities=1_000_000,
        people=200,
        companies=20_000,
        feedback=500_000,
    ),
    "L": Scale(
        "L",
        products=50,
        features=50_000,
        releases=1_250,
        activities=5_000_000,
        people=500,
        companies=50_000,
        feedback=2_000_000,
    ),
}


def marker_for(path: Path) -> Path:
    return path.with_suffix(".json")


def is_current(scale: Scale, path: Path) -> bool:
    marker = marker_for(path)
    expected = {"version": GENERATOR_VERSION, **asdict(scale)}
    return path.exists() and marker.exists() and json.loads(marker.read_text()) == expected


def discard(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    marker_for(path).unlink(missing_ok=True)


def generate(scale: Scale, path: Path | None, *, seed: int = 42) -> float:
    """Fill the (new, empty) database Django is connected to; returns the seconds it took.
    ``path``: the SQLite file, whose marker then records what it holds for the next runs (a
    PostgreSQL database lives for one run and has none)."""
    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    fast_writes()
    gen = _Generator(scale, random.Random(seed))
    with transaction.atomic():
        gen.make_people()
        gen.make_products()
        gen.make_features()
        gen.make_releases()
    gen.make_activities()
    with transaction.atomic():
        make_feedback(scale, gen.rng, gen.now, gen.features)
    with connection.cursor() as cursor:
        # What autovacuum would have done by the time such data is read: without it, the
        # index-only scans of PostgreSQL read the table's rows too (the inbox's count at M
        # took 32 ms instead of 22).
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    if path is not None:
        marker_for(path).write_text(json.dumps({"version": GENERATOR_VERSION, **asdict(scale)}))
    return time.perf_counter() - started


def _insert_rows(table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """``rows`` into ``table`` in one committed transaction: through ``COPY`` on PostgreSQL,
    where as many ``INSERT`` statements take several times longer, else ``executemany``."""
    names = ", ".join(columns)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)


class _Generator:
    def __init__(self, scale: Scale, rng: random.Random):
        self.scale = scale
        self.rng = rng
        self.now = datetime.now(UTC)
        self.user_ids: list[int] = []
        self.team_ids: list[int] = []
        self.product_ids: list[int] = []
        self.areas: dict[int, list[int]] = {}
        self.features: list[tuple[int, int, str, str]] = []  # id, product, title, stage

    def when(self, low_days: float = 0, high_days: float = 365) -> datetime:
        return self.now - timedelta(days=self.rng.uniform(low_days, high_days))

    def title(self) -> str:
        words = self.rng.sample(WORDS, self.rng.randint(2, 4))
        return " ".join(words).capitalize()

    def make_people(self) -> None:
        unusable = make_password(None)
        User.objects.bulk_create(
            [User(email=ADMIN_EMAIL, name="Bench Admin", role=Role.ADMIN, password=unusable)]
            + [
                User(
                    email=f"person{i}@bench.example",
                    name=f"Person {i}",
                    role=self.rng.choice([Role.EDITOR, Role.EDITOR, Role.VIEWER]),
                    password=unusable,
                )
                for i in range(self.scale.people)
            ]
        )
        self.user_ids = list(User.objects.values_list("id", flat=True))
        self.team_ids = list(Team.objects.values_list("id", flat=True))

    def make_products(self) -> None:
        Product.objects.bulk_create(
            Product(name=f"Product {i:02d}", slug=f"product-{i:02d}", description="Benchmark.")
            for i in range(self.scale.products)
        )
        self.product_ids = list(Product.objects.order_by("id").values_list("id", flat=True))
        Area.objects.bulk_create(
            Area(product_id=p, name=name, position=i)
            for p in self.product_ids
            for i, name in enumerate(AREAS)
        )
        for area_id, product_id in Area.objects.values_list("id", "product_id"):
            self.areas.setdefault(product_id, []).append(area_id)

    def make_features(self) -> None:
        # Products differ in size (the first is the biggest), as real portfolios do.
        weights = [1 / math.sqrt(i + 1) for i in range(len(self.product_ids))]
        stages, stage_weights = zip(*STAGE_WEIGHTS.items(), strict=True)
        rows = []
        for _ in range(self.scale.features):
            product_id = self.rng.choices(self.product_ids, weights)[0]
            created = self.when(30, 365)
            entered = created + (self.now - created) * self.rng.uniform(0.2, 0.9)
            rows.append(
                Feature(
                    product_id=product_id,
                    area_id=self.rng.choice(self.areas[product_id]),
                    title=self.title(),
                    description="## Problem\n\n" + " ".join(self.rng.choices(WORDS, k=60)),
                    stage=self.rng.choices(stages, stage_weights)[0],
                    stage_entered_at=entered,
                    owner_team_id=self.rng.choice(self.team_ids),
                    owner_id=self.rng.choice(self.user_ids),
                    created_at=created,
                    updated_at=entered + (self.now - entered) * self.rng.uniform(0, 1),
                )
            )
        Feature.objects.bulk_create(rows, batch_size=BATCH)
        self.features = list(
            Feature.objects.order_by("id").values_list("id", "product_id", "title", "stage")
        )
        self.make_tags()
        self.make_stage_entries()

    def make_tags(self) -> None:
        Tag.objects.bulk_create(Tag(name=w) for w in WORDS)
        tag_ids = list(Tag.objects.values_list("id", flat=True))
        through = Feature.tags.through
        through.objects.bulk_create(
            (
                through(feature_id=f[0], tag_id=t)
                for f in self.features
                for t in self.rng.sample(tag_ids, self.rng.randint(0, 3))
            ),
            batch_size=BATCH,
        )

    def make_stage_entries(self) -> None:
        stamps = dict(Feature.objects.values_list("id", "stage_entered_at"))
        created = dict(Feature.objects.values_list("id", "created_at"))
        rows = []
        for feature_id, _product, _title, stage in self.features:
            walk = FORWARD[: FORWARD.index(stage) + 1]
            walk = [
                s for s in walk if s != Stage.DISCOVERY or s == stage or self.rng.random() < 0.6
            ]
            start, end = created[feature_id], stamps[feature_id]
            for i, s in enumerate(walk):
                at = end if i == len(walk) - 1 else start + (end - start) * i / len(walk)
                rows.append(StageEntry(feature_id=feature_id, stage=s, entered_at=at))
        StageEntry.objects.bulk_create(rows, batch_size=BATCH)

    def make_releases(self) -> None:
        by_product: dict[int, list[int]] = {}
        for feature_id, product_id, _title, stage in self.features:
            if stage in (Stage.BETA, Stage.GENERALLY_AVAILABLE, Stage.DEPRECATED):
                by_product.setdefault(product_id, []).append(feature_id)
        statuses = [ReleaseStatus.RELEASED] * 7 + [
            ReleaseStatus.PLANNED, ReleaseStatus.IN_PROGRESS, ReleaseStatus.CANCELLED
        ]  # fmt: skip
        rows = []
        for i in range(self.scale.releases):
            product_id = self.product_ids[i % len(self.product_ids)]
            status = self.rng.choice(statuses)
            target = self.when(-90, 365).date()
            rows.append(
                Release(
                    product_id=product_id,
                    version=f"{1 + i // 40}.{i % 40}",
                    name=self.title(),
                    description="Highlights of the release.",
                    status=status,
                    target_date=target,
                    released_on=target if status == ReleaseStatus.RELEASED else None,
                )
            )
        Release.objects.bulk_create(rows, batch_size=BATCH)
        through = Release.features.through
        links = []
        entries = []
        for release_id, product_id in Release.objects.values_list("id", "product_id"):
            pool = by_product.get(product_id, [])
            for feature_id in self.rng.sample(pool, min(len(pool), self.rng.randint(5, 30))):
                links.append(through(release_id=release_id, feature_id=feature_id))
            for visibility in (Visibility.PUBLIC, Visibility.INTERNAL):
                entries.append(
                    ChangelogEntry(
                        release_id=release_id,
                        title=self.title(),
                        body="- " + "\n- ".join(self.rng.choices(WORDS, k=5)),
                        visibility=visibility,
                        author_id=self.rng.choice(self.user_ids),
                    )
                )
        through.objects.bulk_create(links, batch_size=BATCH, ignore_conflicts=True)
        ChangelogEntry.objects.bulk_create(entries, batch_size=BATCH)

    def make_activities(self) -> None:
        """The bulk of the data, straight into the table in committed batches."""
        feature_type = ContentType.objects.get_for_model(Feature).pk
        release_type = ContentType.objects.get_for_model(Release).pk
        releases = list(Release.objects.values_list("id", "product_id", "version"))
        # Some features are busy, most are quiet: a heavy-tailed share of the history each.
        weights = [self.rng.lognormvariate(0, 1) for _ in self.features]
        cumulative, total = [], 0.0
        for w in weights:
            total += w
            cumulative.append(total)
        adapt = connection.ops.adapt_datetimefield_value
        done = 0
        while done < self.scale.activities:
            n = min(ACTIVITY_BATCH, self.scale.activities - done)
            picks = self.rng.choices(self.features, cum_weights=cumulative, k=n)
            rows = []
            for feature_id, product_id, title, stage in picks:
                if self.rng.random() < 0.05 and releases:
                    release_id, rel_product, version = self.rng.choice(releases)
                    target = (release_type, release_id, version, rel_product)
                else:
                    target = (feature_type, feature_id, title, product_id)
                verb, payload = self.change(stage)
                rows.append(
                    (
                        self.rng.choice(self.user_ids), verb, target[0], target[1], target[2],
                        f"catalog.product:{target[3]}", payload, adapt(self.when()),
                    )
                )  # fmt: skip
            _insert_rows(Activity._meta.db_table, ACTIVITY_COLUMNS, rows)
            done += n

    def change(self, stage: str) -> tuple[str, str]:
        roll = self.rng.random()
        if roll < 0.4:
            i = FORWARD.index(stage)
            old = FORWARD[max(i - 1, 0)]
            return "stage_changed", json.dumps({"changes": {"stage": [old, stage]}})
        if roll < 0.7:
            owners = self.rng.sample(self.user_ids, 2)
            return "updated", json.dumps({"changes": {"owner": owners}})
        if roll < 0.9:
            old = self.rng.sample(WORDS, 2)
            return "updated", json.dumps({"changes": {"tags": [old, sorted([*old, "beta"])]}})
        text = " ".join(self.rng.choices(WORDS, k=20))
        return "updated", json.dumps({"changes": {"description": [text, text + " (edited)"]}})
