"""The dashboard's filters and the rows each figure counts.

Every figure of the dashboard is a count or an aggregate over one of the querysets below, and
its list page (``lists.py``) pages through the very same queryset: a figure and the list it
links to cannot disagree. Each queryset is narrowed to what the reader may see (team-only
knowledge spaces, other people's training progress) before anything is counted.
"""

import datetime as dt
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from wavelength.accounts.models import Membership
from wavelength.catalog.models import Feature, Product, Release, ReleaseStatus, Stage, StageEntry
from wavelength.core import clock
from wavelength.feedback.models import Feedback, FeedbackLink
from wavelength.knowledge.models import LinkKind, Page, PageLink
from wavelength.processes.models import Run, RunStatus, RunStep, StepStatus
from wavelength.quality.models import LINKABLE, Defect, DefectLink, ResultStatus, TestResult
from wavelength.research.models import Question, Response, Survey, SurveyStatus
from wavelength.training.access import progress_scope
from wavelength.training.models import Assignment, Course

PERIODS = (7, 30, 90, 180, 365)
DEFAULT_PERIOD = 90
OPEN_STEP = (StepStatus.OPEN, StepStatus.AWAITING_APPROVAL)
OPEN_RELEASE = (ReleaseStatus.PLANNED, ReleaseStatus.IN_PROGRESS)


@dataclass(frozen=True)
class DashboardFilter:
    """A product (slug), a team (slug) and a period: the last ``period`` days to today."""

    product: str | None = None
    team: str | None = None
    period: int = DEFAULT_PERIOD
    end: dt.date | None = None  # the last day; today when not set (a weekly report sets it)

    def as_dict(self) -> dict:
        values = {"product": self.product, "team": self.team}
        values = {k: v for k, v in values.items() if v}
        if self.period != DEFAULT_PERIOD:
            values["period"] = self.period
        return values

    @classmethod
    def from_params(cls, params) -> "DashboardFilter":
        """From a query string or a saved view; what does not parse is left out."""
        period = str(params.get("period") or "")
        return cls(
            product=(str(params.get("product") or "")).strip()[:120] or None,
            team=(str(params.get("team") or "")).strip()[:120] or None,
            period=int(period) if period.isdigit() and int(period) in PERIODS else DEFAULT_PERIOD,
        )

    @property
    def until(self) -> dt.date:
        return self.end or timezone.localdate(clock.now())

    @property
    def since(self) -> dt.date:
        return self.until - dt.timedelta(days=self.period - 1)

    def window(self) -> tuple[dt.datetime, dt.datetime]:
        """The period as aware date-times: from the first day's start to the last day's end."""
        start = timezone.make_aware(dt.datetime.combine(self.since, dt.time.min))
        end = timezone.make_aware(dt.datetime.combine(self.until, dt.time.max))
        return start, end


def features(f: DashboardFilter) -> QuerySet[Feature]:
    qs = Feature.objects.all()
    if f.product:
        qs = qs.filter(product__slug=f.product)
    if f.team:
        qs = qs.filter(owner_team__slug=f.team)
    return qs


def _narrowed(f: DashboardFilter) -> bool:
    return bool(f.product or f.team)


# Demand and sentiment ---------------------------------------------------------------------


def feedback(f: DashboardFilter) -> QuerySet[Feedback]:
    """Feedback received in the period; with a product or a team, the items linked to one of
    its features."""
    start, end = f.window()
    qs = Feedback.objects.filter(received_at__gte=start, received_at__lte=end)
    if _narrowed(f):
        linked = FeedbackLink.objects.filter(feature__in=features(f)).values("feedback_id")
        qs = qs.filter(pk__in=linked)
    return qs


# Delivery ---------------------------------------------------------------------------------


def releases(f: DashboardFilter) -> QuerySet[Release]:
    qs = Release.objects.all()
    if f.product:
        qs = qs.filter(product__slug=f.product)
    if f.team:
        ships = Release.features.through.objects.filter(
            release_id=OuterRef("pk"), feature__owner_team__slug=f.team
        )
        qs = qs.filter(Exists(ships))
    return qs


def _shipped(f: DashboardFilter) -> Q:
    return Q(status=ReleaseStatus.RELEASED, released_on__gte=f.since, released_on__lte=f.until)


def timeliness(f: DashboardFilter) -> dict[str, Q]:
    """Which of :func:`releases` shipped in the period on or before their target date (or
    without one), which shipped late, and which are planned or in progress and past their
    target date today: the lists below and the dashboard's one count of all three."""
    return {
        "on_time": _shipped(f)
        & (Q(target_date__isnull=True) | Q(released_on__lte=F("target_date"))),
        "late": _shipped(f) & Q(released_on__gt=F("target_date")),
        "open_late": Q(status__in=OPEN_RELEASE, target_date__lt=f.until),
    }


def shipped(f: DashboardFilter) -> QuerySet[Release]:
    """Releases that shipped in the period."""
    return releases(f).filter(_shipped(f))


def shipped_on_time(f: DashboardFilter) -> QuerySet[Release]:
    return releases(f).filter(timeliness(f)["on_time"])


def shipped_late(f: DashboardFilter) -> QuerySet[Release]:
    return releases(f).filter(timeliness(f)["late"])


def open_late(f: DashboardFilter) -> QuerySet[Release]:
    return releases(f).filter(timeliness(f)["open_late"])


def reached_ga(f: DashboardFilter) -> QuerySet[Feature]:
    """Features that entered general availability in the period."""
    start, end = f.window()
    entered = StageEntry.objects.filter(
        feature_id=OuterRef("pk"),
        stage=Stage.GENERALLY_AVAILABLE,
        entered_at__gte=start,
        entered_at__lte=end,
    )
    return features(f).filter(Exists(entered))


# Quality ----------------------------------------------------------------------------------


def results(f: DashboardFilter) -> QuerySet[TestResult]:
    """Judged test results (passed, failed, blocked) recorded in the period."""
    start, end = f.window()
    qs = TestResult.objects.filter(executed_at__gte=start, executed_at__lte=end).exclude(
        status__in=[ResultStatus.UNTESTED, ResultStatus.SKIPPED]
    )
    if _narrowed(f):
        qs = qs.filter(run__release__in=releases(f))
    return qs


def open_defects(f: DashboardFilter) -> QuerySet[Defect]:
    qs = Defect.objects.unresolved()
    if f.product:
        qs = qs.filter(product__slug=f.product)
    if f.team:
        linked = Defect.features.through.objects.filter(feature__owner_team__slug=f.team)
        qs = qs.filter(pk__in=linked.values("defect_id"))
    return qs


def customer_reported(qs: QuerySet[Defect]) -> QuerySet[Defect]:
    """Those of ``qs`` linked to customer feedback or to a customer."""
    types = [ContentType.objects.get_by_natural_key(*LINKABLE[k]) for k in ("feedback", "customer")]
    links = DefectLink.objects.filter(defect_id=OuterRef("pk"), target_type__in=types)
    return qs.filter(Exists(links))


# Process health ---------------------------------------------------------------------------


def _runs(f: DashboardFilter) -> QuerySet[Run]:
    qs = Run.objects.all()
    if f.product or f.team:
        types = ContentType.objects.get_for_models(Release, Feature)
        qs = qs.filter(
            Q(target_type=types[Release], target_id__in=releases(f).values("pk"))
            | Q(target_type=types[Feature], target_id__in=features(f).values("pk"))
        )
    return qs


def overdue_steps(f: DashboardFilter) -> QuerySet[RunStep]:
    """Open steps past their due date, in runs in progress."""
    return RunStep.objects.filter(
        run__in=_runs(f).filter(status=RunStatus.ACTIVE),
        status__in=OPEN_STEP,
        due_on__lt=f.until,
    )


def completed_runs(f: DashboardFilter) -> QuerySet[Run]:
    start, end = f.window()
    return _runs(f).filter(
        status=RunStatus.COMPLETED, completed_at__gte=start, completed_at__lte=end
    )


# Knowledge health -------------------------------------------------------------------------


def pages(f: DashboardFilter, user) -> QuerySet[Page]:
    """Pages the reader may read; with a product or a team, those about one of its features
    (or about the product itself)."""
    qs = Page.objects.visible_to(user)
    if _narrowed(f):
        about = Q(kind=LinkKind.FEATURE, target_id__in=features(f).values("pk"))
        if f.product:
            products = Product.objects.filter(slug=f.product).values("pk")
            about |= Q(kind=LinkKind.PRODUCT, target_id__in=products)
        qs = qs.filter(pk__in=PageLink.objects.filter(about).values("page_id"))
    return qs


def stale_pages(f: DashboardFilter, user) -> QuerySet[Page]:
    return pages(f, user).stale(f.until)


def unowned_pages(f: DashboardFilter, user) -> QuerySet[Page]:
    return pages(f, user).filter(owner__isnull=True)


# Enablement -------------------------------------------------------------------------------


def assignments(f: DashboardFilter, user) -> QuerySet[Assignment]:
    """Training assignments whose progress the reader may see; with a team, its members';
    with a product, the courses about its features or releases."""
    qs = Assignment.objects.filter(progress_scope(user))
    if f.team:
        members = Membership.objects.filter(team__slug=f.team).values("user_id")
        qs = qs.filter(user_id__in=members)
    if f.product:
        about = Q(features__product__slug=f.product) | Q(releases__product__slug=f.product)
        qs = qs.filter(course__in=Course.objects.filter(about).values("pk"))
    return qs


# Survey scores ----------------------------------------------------------------------------


def headline_surveys(f: DashboardFilter) -> QuerySet[Survey]:
    """Sent surveys with their ``headline`` (the kind of their first NPS, CSAT or CES
    question); with a product or a team, surveys about it or its features."""
    first = Question.objects.filter(survey_id=OuterRef("pk"), kind__in=["nps", "csat", "ces"])
    headline = first.order_by("position").values("kind")[:1]
    surveys = Survey.objects.exclude(status=SurveyStatus.DRAFT).annotate(
        headline=Subquery(headline)
    )
    if f.product:
        surveys = surveys.filter(Q(product__slug=f.product) | Q(feature__product__slug=f.product))
    if f.team:
        surveys = surveys.filter(feature__owner_team__slug=f.team)
    return surveys


def scored(f: DashboardFilter, surveys) -> QuerySet[Response]:
    """Scored responses to ``surveys`` (ids or a queryset of them) submitted in the period."""
    start, end = f.window()
    return Response.objects.filter(survey__in=surveys, score__isnull=False,
                                   submitted_at__gte=start, submitted_at__lte=end)  # fmt: skip


def responses(f: DashboardFilter, kind: str) -> QuerySet[Response]:
    """Scored responses submitted in the period to surveys whose headline question is
    ``kind`` (nps, csat); with a product or a team, surveys about it or its features."""
    return scored(f, headline_surveys(f).filter(headline=kind).values("pk"))
