"""The roadmap timeline: open releases by target date with their features, through the page.

The planning rows the timeline reads (one objective per product linked to some of its
features, a few features placed on the Now / Next / Later board) are added in bulk the first
time, so the data of the other apps is kept.
"""

import random
import statistics

from django.db import transaction
from django.urls import reverse

from wavelength.accounts.models import User
from wavelength.catalog.models import Feature, Product, Release
from wavelength.core import clock
from wavelength.planning.models import Column, Objective, Placement

from .data import ADMIN_EMAIL
from .measure import Bench, BenchError, Check, Result, _in, _t, speed_target

TARGET_RATIO = 3
OPEN = ("planned", "in_progress")


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


class PlanningBench:
    def __init__(self, bench: Bench):
        self.bench = bench
        self.objectives = ensure_planning()
        self.open_releases = Release.objects.filter(status__in=OPEN).count()

    def _bare(self, page_size: int = 10, per_release: int = 12):
        b = self.bench
        objective, placement = _t(Objective), _t(Placement)
        objective_features = _t(Objective, "features")

        def run():
            b.sql("SELECT COUNT(*) FROM {release} WHERE status IN ('planned', 'in_progress')", [])
            releases = b.sql(
                "SELECT r.*, p.name, p.slug FROM {release} r "
                "JOIN {product} p ON p.id = r.product_id "
                "WHERE r.status IN ('planned', 'in_progress') "
                "ORDER BY COALESCE(r.target_date, '9999-12-31'), p.name, r.id LIMIT %s",
                [page_size],
            )  # fmt: skip
            ids = [row[0] for row in releases]
            links = b.sql(
                "SELECT rf.release_id, rf.feature_id FROM {release_features} rf "
                "JOIN {feature} f ON f.id = rf.feature_id "
                f"WHERE rf.release_id IN ({_in(ids)}) ORDER BY rf.release_id, f.title, f.id",
                ids,
            )
            shown: dict[int, list[int]] = {}
            for release_id, feature_id in links:
                shown.setdefault(release_id, []).append(feature_id)
            features = sorted({f for items in shown.values() for f in items[:per_release]})
            placed = f"LEFT JOIN {placement} pl ON pl.feature_id = f.id LEFT JOIN"
            b.sql(
                b.feature_row.replace("SELECT f.*", "SELECT f.*, pl.column").replace(
                    "LEFT JOIN", placed, 1
                )
                + f"WHERE f.id IN ({_in(features)})",
                features,
            )
            b.sql(
                "SELECT ft.feature_id, g.id, g.name FROM {feature_tags} ft "
                f"JOIN {{tag}} g ON g.id = ft.tag_id WHERE ft.feature_id IN ({_in(features)})",
                features,
            )
            b.sql(
                f"SELECT of.feature_id, o.id, o.title FROM {objective_features} of "
                f"JOIN {objective} o ON o.id = of.objective_id "
                f"WHERE of.feature_id IN ({_in(features)})",
                features,
            )
            products = sorted({row[1] for row in releases})  # product_id
            b.sql(
                "SELECT id, product_id, version, target_date FROM {release} WHERE status IN "
                f"('planned', 'in_progress') AND product_id IN ({_in(products)})",
                products,
            )
            return releases, features

        return run

    def timeline(self) -> tuple[Result, Check]:
        b = self.bench
        bare = self._bare()
        releases, features = bare()
        if not releases:
            raise BenchError("No planned or in-progress release: the timeline would be empty.")

        def url(**query) -> str:
            extra = "&".join(f"{k}={v}" for k, v in query.items())
            return reverse("planning:roadmap") + (f"?{extra}" if extra else "")

        def expect(response):
            if response.content.count(b'data-drop-release="') < len(releases):
                raise BenchError(f"GET {url()} does not show its {len(releases)} releases.")

        label = f"GET /roadmap/ ({len(releases)} releases, {len(features)} features)"
        result = b.measure("page.roadmap", label, url(), expect, bare)
        pages = max(1, -(-self.open_releases // 10))
        check = Check(
            "roadmap timeline",
            {"page 1": result.queries, f"page {pages}": b.queries(url(page=pages)),
             "by objective": b.queries(url(group="objective"))},
            tolerance=1,
        )  # fmt: skip
        return result, check

    def api_timeline(self) -> Result:
        bare = self._bare()
        url = reverse("api:roadmap-timeline")

        def expect(response):
            if not response.json().get("lanes"):
                raise BenchError(f"GET {url} answered no lanes.")

        return self.bench.measure("api.roadmap", f"GET {url}", url, expect, bare)

    @staticmethod
    def verdict(result: Result) -> str:
        ratio = statistics.median(result.request_ms) / statistics.median(result.sql_ms)
        return speed_target(
            result.key,
            met=ratio <= TARGET_RATIO,
            detail=f"ratio {ratio:.2f} above the target of {TARGET_RATIO}",
        )
