"""The roadmap timeline: open releases by target date with their features.

The measured unit, as for the dashboard, the agenda and the knowledge search, is what builds
the page's data: ``planning.selectors.timeline`` (the page of releases, the cards with their
team and column, their tags and objectives, the "Move to" choices), against the bare SQL of
the very statements it sends (recorded once with their parameters, then replayed on the same
connection). The page and the API are timed separately, through the whole stack.

The planning rows the timeline reads (one objective per product linked to some of its
features, a few features placed on the Now / Next / Later board) are added in bulk the first
time, so the data of the other apps is kept. ``BENCH_PLANNING=M`` (default: the bench's scale)
first brings the catalog to scale M's volume (20 products, 20,000 features, 500 releases
shipping 5 to 30 features each) by adding products, features and releases in bulk, so the
timeline can be measured at M on a copy of the S data set when the full M data set (its
million activities and 500,000 feedback items, which the timeline never reads) is out of
reach.
"""

import datetime as dt
import os
import random

from django.db import connection, transaction
from django.urls import reverse

from wavelength.accounts.models import Team, User
from wavelength.catalog.models import Feature, Product, Release, ReleaseStatus, Tag
from wavelength.core import clock
from wavelength.planning import selectors
from wavelength.planning.models import Column, Objective, Placement

from .data import ADMIN_EMAIL, BATCH, STAGE_WEIGHTS, WORDS
from .measure import Bench, BenchError, Check, Result, speed_target

TARGET_RATIO = 3
OPEN = ("planned", "in_progress")
VOLUME = {"S": (2, 1_000, 20), "M": (20, 20_000, 500)}  # products, features, releases
MARK = "Bench roadmap product"


def top_up(size: str, *, seed: int = 18) -> int:
    """Bring the catalog to the products, features and releases of ``size`` (once); returns
    how many features were added."""
    products, features, releases = VOLUME[size]
    missing = features - Feature.objects.count()
    if missing <= 0 or Product.objects.filter(name__startswith=MARK).exists():
        return 0
    rng = random.Random(seed)
    today = clock.now().date()
    teams = list(Team.objects.values_list("pk", flat=True))
    tags = list(Tag.objects.values_list("pk", flat=True))
    stages, weights = zip(*STAGE_WEIGHTS.items(), strict=True)
    extra = max(0, products - Product.objects.count())
    with transaction.atomic():
        made = Product.objects.bulk_create(
            Product(name=f"{MARK} {i:02d}", slug=f"bench-roadmap-{i:02d}") for i in range(extra)
        )
        ids = [p.pk for p in made] or list(Product.objects.values_list("pk", flat=True))
        rows = Feature.objects.bulk_create(
            (Feature(product_id=rng.choice(ids), stage=rng.choices(stages, weights)[0],
                     title=" ".join(rng.sample(WORDS, rng.randint(2, 4))).capitalize(),
                     owner_team_id=rng.choice(teams) if teams else None)
             for _ in range(missing)),
            batch_size=BATCH,
        )  # fmt: skip
        through = Feature.tags.through
        through.objects.bulk_create(
            (through(feature_id=f.pk, tag_id=t) for f in rows
             for t in rng.sample(tags, min(len(tags), rng.randint(0, 3)))),
            batch_size=BATCH,
        )  # fmt: skip
        pool: dict[int, list[int]] = {}
        for f in rows:
            pool.setdefault(f.product_id, []).append(f.pk)
        statuses = [ReleaseStatus.RELEASED] * 7 + [ReleaseStatus.PLANNED,
                                                   ReleaseStatus.IN_PROGRESS,
                                                   ReleaseStatus.CANCELLED]  # fmt: skip
        wanted = max(0, releases - Release.objects.count())
        made_releases = Release.objects.bulk_create(
            Release(product_id=ids[i % len(ids)], version=f"m{1 + i // 40}.{i % 40}",
                    status=rng.choice(statuses),
                    target_date=today + dt.timedelta(days=rng.randint(-90, 365)))
            for i in range(wanted)
        )  # fmt: skip
        links = Release.features.through
        links.objects.bulk_create(
            (links(release_id=r.pk, feature_id=f) for r in made_releases
             for f in rng.sample(pool.get(r.product_id, []),
                                 min(len(pool.get(r.product_id, [])), rng.randint(5, 30)))),
            batch_size=BATCH,
        )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return missing


def ensure_planning(*, seed: int = 42) -> int:
    """Add the bench objectives and placements unless they are there; returns the objectives."""
    if Objective.objects.filter(title__startswith="Bench objective").exists():
        return Objective.objects.count()
    rng = random.Random(seed)
    admin = User.objects.get(email=ADMIN_EMAIL)
    today = clock.now().date()
    with transaction.atomic():
        for product in Product.objects.order_by("pk"):
            objective = Objective.objects.create(
                title=f"Bench objective {product.name}", owner=admin, product=product,
                period_start=today.replace(day=1), period_end=today.replace(day=28),
            )  # fmt: skip
            ids = list(product.features.values_list("pk", flat=True))
            objective.features.set(rng.sample(ids, min(len(ids), 40)))
        ids = list(Feature.objects.values_list("pk", flat=True))
        placed = rng.sample(ids, len(ids) // 50)
        Placement.objects.bulk_create(
            Placement(feature_id=pk, column=rng.choice(Column.values), placed_by=admin)
            for pk in placed
        )
    return Objective.objects.count()


def _recorded(fn) -> list[tuple[str, tuple]]:
    statements: list[tuple[str, tuple]] = []

    def record(execute, sql, params, many, context):
        statements.append((sql, tuple(params or ())))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        fn()
    return statements


class PlanningBench:
    def __init__(self, bench: Bench, scale_name: str):
        self.bench = bench
        size = os.getenv("BENCH_PLANNING", scale_name).strip().upper()
        self.size = size if size in VOLUME else "S"
        self.added = top_up(self.size)
        self.objectives = ensure_planning()
        self.admin = User.objects.get(email=ADMIN_EMAIL)
        self.open_releases = Release.objects.filter(status__in=OPEN).count()
        self.features = Feature.objects.count()
        self.releases = Release.objects.count()

    def _build(self, page=1, group="product"):
        filters = selectors.RoadmapFilter(group=group)
        return selectors.timeline(user=self.admin, filters=filters, page=page, targets=True)

    def _bare(self, statements):
        def run():
            with connection.cursor() as cursor:
                for sql, params in statements:
                    cursor.execute(sql, params)
                    cursor.fetchall()

        return run

    def data(self) -> tuple[Result, Check]:
        """Building the first page's data: what the page and the API both read."""
        b = self.bench
        found = self._build()
        rows = [row for lane in found.lanes for row in lane.releases]
        if not rows:
            raise BenchError("No planned or in-progress release: the timeline would be empty.")
        self.shown = (len(rows), sum(len(r.features) for r in rows))
        statements = _recorded(self._build)
        self.bare = self._bare(statements)
        label = f"timeline() ({self.shown[0]} releases, {self.shown[1]} cards)"
        result = Result("roadmap.data", label, *b.paired(self._build, self.bare), len(statements))
        pages = max(1, -(-self.open_releases // selectors.RELEASES_PER_PAGE))
        check = Check(
            "roadmap data",
            {"page 1": len(statements),
             f"page {pages}": len(_recorded(lambda: self._build(page=pages))),
             "by objective": len(_recorded(lambda: self._build(group="objective")))},
        )  # fmt: skip
        return result, check

    def page(self) -> tuple[Result, Check]:
        """The page through the whole stack (session, filters' choices, template), against
        the same bare SQL as the data: its ratio says what the rendering adds."""
        b = self.bench

        def url(**query) -> str:
            extra = "&".join(f"{k}={v}" for k, v in query.items())
            return reverse("planning:roadmap") + (f"?{extra}" if extra else "")

        def expect(response):
            if response.content.count(b'data-drop-release="') < self.shown[0]:
                raise BenchError(f"GET {url()} does not show its {self.shown[0]} releases.")

        label = f"GET /roadmap/ ({self.shown[0]} releases, {self.shown[1]} cards)"
        result = b.measure("page.roadmap", label, url(), expect, self.bare)
        pages = max(1, -(-self.open_releases // selectors.RELEASES_PER_PAGE))
        check = Check(
            "roadmap page",
            {"page 1": result.queries, f"page {pages}": b.queries(url(page=pages)),
             "by objective": b.queries(url(group="objective"))},
            tolerance=1,
        )  # fmt: skip
        return result, check

    def api(self) -> Result:
        url = reverse("api:roadmap-timeline")

        def expect(response):
            if not response.json().get("lanes"):
                raise BenchError(f"GET {url} answered no lanes.")

        return self.bench.measure("api.roadmap", f"GET {url}", url, expect, self.bare)

    @staticmethod
    def verdict(result: Result) -> str:
        return speed_target(
            result.key,
            met=result.ratio <= TARGET_RATIO,
            detail=f"ratio {result.ratio:.2f} above the target of {TARGET_RATIO}",
        )
