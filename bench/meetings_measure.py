"""Generating a meeting's agenda from live data: every part (feedback from the largest
customers, the most asked-for features, stage changes, releases due with their gates, overdue
steps, critical defects, stale pages, carried-over action items) for a series covering every
product, against the bare SQL of the same reads.

The series, a previous meeting a week ago and its open action items are added the first time
(through the services), so the data of the other apps is kept. ``BENCH_MEETINGS=M`` (default:
the bench's scale) tops the data set up, for the weeks an agenda reads, to the volume of scale
M: 20,000 feedback items from customers linked to the products' features and 40,000 stage
changes in the last two weeks (a year of M's 500,000 items and 1,000,000 activities, spread
evenly), so the agenda's reads can be measured at M on a copy of the S data set when the full
M data set is out of reach.
"""

import datetime as dt
import os
import random

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from wavelength.accounts.models import User
from wavelength.catalog.models import Feature, Product
from wavelength.core import clock
from wavelength.core.models import Activity
from wavelength.feedback.models import Company, Feedback, FeedbackLink
from wavelength.feedback.services import demand
from wavelength.meetings import agenda, recurrence, services
from wavelength.meetings.models import MeetingSeries

from .data import ADMIN_EMAIL
from .measure import Bench, BenchError, Check, Result, speed_target

TARGET_RATIO = 3
NAME = "Bench product sync"
ACTIONS = 30
# Feedback items and stage changes of the last two weeks added on top of the data set.
VOLUME = {"S": (0, 0), "M": (20_000, 40_000)}
MARK = "Bench meeting feedback"
BATCH = 5_000


def top_up(size: str, *, seed: int = 15) -> tuple[int, int]:
    """Bring the last two weeks to the volume of ``size`` (once); returns what was added."""
    want_feedback, want_changes = VOLUME[size]
    if not want_feedback or Feedback.objects.filter(title__startswith=MARK).exists():
        return 0, 0
    rng = random.Random(seed)
    now = clock.now()
    companies = list(Company.objects.values_list("pk", flat=True))
    features = list(Feature.objects.values_list("pk", "product_id", "title", "stage"))

    def when():
        return now - dt.timedelta(days=rng.uniform(0, 14))

    with transaction.atomic():
        made = Feedback.objects.bulk_create(
            (Feedback(title=f"{MARK} {i}", text="Export to the data warehouse, please.",
                      company_id=rng.choice(companies), received_at=when())
             for i in range(want_feedback)),
            batch_size=BATCH,
        )  # fmt: skip
        links = FeedbackLink.objects.bulk_create(
            (FeedbackLink(feedback_id=f.pk, feature_id=rng.choice(features)[0],
                          created_at=f.received_at) for f in made),
            batch_size=BATCH,
        )  # fmt: skip
        demand.recount(link.feature_id for link in links)  # a bulk insert sends no signal
        feature_type = ContentType.objects.get_for_model(Feature)
        Activity.objects.bulk_create(
            (Activity(verb="stage_changed", target_type=feature_type, target_id=pk,
                      target_repr=title, scope=f"catalog.product:{product}", created_at=when(),
                      payload={"changes": {"stage": ["idea", stage]}})
             for pk, product, title, stage in rng.choices(features, k=want_changes)),
            batch_size=BATCH,
        )  # fmt: skip
    return want_feedback, want_changes


def _series(admin: User, name: str, products) -> MeetingSeries:
    series = MeetingSeries.objects.filter(name=name).first()
    if series is not None:
        return series
    today = clock.now().date()
    data = services.SeriesData(
        name=name, owner=admin, start_date=today - dt.timedelta(days=7),
        start_time=dt.time(10, 0), rrule=recurrence.weekly(weekday=today.weekday()),
        time_zone="Europe/Paris", products=list(products),
    )  # fmt: skip
    return services.series_create(actor=admin, data=data)


def ensure(admin: User) -> tuple[MeetingSeries, MeetingSeries]:
    """A series over every product with a meeting a week ago and its open action items, and
    one over a single product (the query count must not depend on how much is covered)."""
    wide = _series(admin, NAME, Product.objects.all())
    narrow = _series(admin, NAME + " (one product)", Product.objects.order_by("pk")[:1])
    for series in (wide, narrow):
        start = dt.datetime.combine(series.start_date, dt.time(9, 0), tzinfo=dt.UTC)
        previous = services.occurrence_create_at(actor=admin, series=series, starts_at=start)
        for i in range(ACTIONS - previous.actions.count()):
            due = start.date() + dt.timedelta(days=i % 10)
            services.action_create(actor=admin, occurrence=previous, title=f"Bench action {i}",
                                   owner=admin, due_on=due)  # fmt: skip
    return wide, narrow


def _next(series: MeetingSeries):
    services.occurrences_ensure(series=series)
    return series.occurrences.filter(starts_at__gt=clock.now()).order_by("starts_at").first()


class MeetingsBench:
    def __init__(self, bench: Bench, scale_name: str):
        self.bench = bench
        size = os.getenv("BENCH_MEETINGS", scale_name).strip().upper()
        self.size = size if size in VOLUME else "S"
        self.added = top_up(self.size)
        self.admin = User.objects.get(email=ADMIN_EMAIL)
        self.wide, self.narrow = ensure(self.admin)
        self.products = self.wide.products.count()

    def _queries(self, occurrence) -> list[str]:
        with CaptureQueriesContext(connection) as ctx:
            agenda.build_agenda(user=self.admin, occurrence=occurrence)
        return [q["sql"] for q in ctx.captured_queries]

    def generate(self) -> tuple[Result, Check]:
        """Building the agenda of the series' next meeting (what "Build the agenda" reads)."""
        b = self.bench
        occurrence = _next(self.wide)
        items = agenda.build_agenda(user=self.admin, occurrence=occurrence)
        if not items:
            raise BenchError("The agenda of the bench series came out empty.")
        statements = self._queries(occurrence)

        def bare():
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)
                    cursor.fetchall()

        request_ms, sql_ms = b.paired(
            lambda: agenda.build_agenda(user=self.admin, occurrence=occurrence), bare
        )
        parts = len({i.kind for i in items})
        label = f"agenda ({self.products} products, {len(items)} items, {parts} parts)"
        result = Result("meetings.agenda", label, request_ms, sql_ms, len(statements))
        check = Check(
            "the agenda",
            {f"{self.products} products": len(statements),
             "1 product": len(self._queries(_next(self.narrow)))},
            tolerance=6,  # a release due soon evaluates its gate: at most 5 of them, bounded
        )  # fmt: skip
        return result, check

    @staticmethod
    def verdict(result: Result) -> str:
        return speed_target(
            result.key,
            met=result.ratio <= TARGET_RATIO,
            detail=f"ratio {result.ratio:.2f} above the target of {TARGET_RATIO}",
        )
