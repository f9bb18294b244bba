"""The decision dashboard: every figure across the chain, for a product (or all of them), a
team and a period, in a fixed number of queries whatever the amount of data.

A figure has a chart (shaped for app.js, ``data-chart``) and counters; each counter names the
list (``lists.py``) whose rows it counts, and the list pages through the same queryset.
"""

import datetime as dt
import statistics
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Avg, Case, Count, Q, Subquery, Sum, Value, When
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils.translation import gettext as _

from wavelength.accounts.models import Team
from wavelength.accounts.permissions import require_member
from wavelength.catalog.models import Feature, Product, Release, Stage
from wavelength.core.models import Activity
from wavelength.feedback.models import FeatureDemand, Segment, Sentiment, Source
from wavelength.quality.models import ResultStatus, Severity

from . import scopes, summaries
from .models import FeedbackDaily, LeadTime
from .scopes import DashboardFilter

TOP_FEATURES = 10
PASS_RATE_RELEASES = 12
NO_VALUE = "none"


@dataclass
class Counter:
    """A number on the dashboard and the list whose rows it counts (``list`` and ``params``,
    see lists.py); ``value`` is what is shown, ``count`` the rows behind it."""

    label: str
    value: object
    list: str = ""
    params: dict = field(default_factory=dict)
    counts: bool = True  # False for a median or a score read from the list's rows


@dataclass
class Figure:
    key: str
    title: str
    chart: dict
    counters: list[Counter] = field(default_factory=list)
    rows: list = field(default_factory=list)  # a table beside the chart, when it has one
    empty: bool = False

    @property
    def chart_id(self) -> str:
        return f"chart-{self.key}"


def list_url(f: DashboardFilter, name: str, params: dict | None = None) -> str:
    """The address of the list (lists.py) behind a bar or a point, with the filters."""
    from django.urls import reverse
    from django.utils.http import urlencode

    query = urlencode({**f.as_dict(), **(params or {})})
    return reverse("insights:figure-list", args=[name]) + (f"?{query}" if query else "")


def chart(label, labels, values, *, keys=None, kind="bar", axis="y", links=None) -> dict:
    """One series, as the quality dashboard draws them; ``links``: the list behind each bar."""
    return {"type": kind, "label": str(label), "labels": [str(x) for x in labels],
            "values": values, "keys": keys or [], "axis": axis, "links": links or []}  # fmt: skip


def stacked(labels, series: list[tuple], *, kind="bar") -> dict:
    """Several series over the same labels (periods), stacked: ``(key, label, values, link)``,
    ``link`` the list behind every bar or point of the series."""
    return {
        "type": kind, "labels": [str(x) for x in labels], "axis": "x", "stacked": kind == "bar",
        "datasets": [{"key": key, "label": str(label), "values": values, "link": link}
                     for key, label, values, link in series],
    }  # fmt: skip


def _buckets(f: DashboardFilter) -> tuple[object, list[dt.date], str]:
    """Weeks for a period up to 90 days, else months: the truncation and every bucket."""
    if f.period <= 90:
        start = f.since - dt.timedelta(days=f.since.weekday())
        days = [start + dt.timedelta(weeks=i) for i in range((f.until - start).days // 7 + 1)]
        return TruncWeek, days, "week"
    months, day = [], f.since.replace(day=1)
    while day <= f.until:
        months.append(day)
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return TruncMonth, months, "month"


def _day(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _bucket_label(day: dt.date, unit: str) -> str:
    from django.utils.formats import date_format

    return date_format(day, "YEAR_MONTH_FORMAT" if unit == "month" else "MONTH_DAY_FORMAT")


# Demand and sentiment -----------------------------------------------------------------------


def _daily(f: DashboardFilter, dimension: str):
    """The day counts of ``dimension`` in the period, for everyone or among the items asking
    for a feature of the product, the team or both (summaries.py)."""
    qs = FeedbackDaily.objects.filter(dimension=dimension, day__gte=f.since, day__lte=f.until)
    product = Subquery(Product.objects.filter(slug=f.product).values("pk")[:1]) if f.product else 0
    team = Subquery(Team.objects.filter(slug=f.team).values("pk")[:1]) if f.team else 0
    return qs.filter(product_id=product, team_id=team).order_by()


def _bucket_of(buckets: list[dt.date]) -> Case:
    """The index of the week or month a summary's day falls in, worked out by the database
    (which then adds up a bucket's days): the last bucket starting on or before it."""
    newest_first = reversed(list(enumerate(buckets)))
    return Case(*(When(day__gte=start, then=Value(i)) for i, start in newest_first),
                default=Value(0))  # fmt: skip


def _over_time(f, key, title, column, choices, list_param) -> Figure:
    _trunc, buckets, unit = _buckets(f)
    grid: dict[str, dict[dt.date, int]] = {}
    sums = _daily(f, column).annotate(k=_bucket_of(buckets)).values_list("k", "value")
    for i, value, n in sums.annotate(n=Sum("count")):
        per_bucket = grid.setdefault(value or NO_VALUE, {})
        per_bucket[buckets[i]] = per_bucket.get(buckets[i], 0) + n
    grid = {value: counts for value, counts in grid.items() if any(counts.values())}
    labels = dict(choices)
    labels[NO_VALUE] = _("Not set")
    order = [v for v, _label in choices] + [NO_VALUE]
    series = [
        (
            f"ins-{value}",
            labels[value],
            [grid[value].get(b, 0) for b in buckets],
            list_url(f, "feedback", {list_param: value}),
        )
        for value in order
        if value in grid
    ]
    counters = [
        Counter(labels[value], sum(grid[value].values()), "feedback", {list_param: value})
        for value in order
        if value in grid
    ]
    return Figure(
        key, title, stacked([_bucket_label(b, unit) for b in buckets], series), counters,
        empty=not grid,
    )  # fmt: skip


def feedback_by_channel(f) -> Figure:
    return _over_time(f, "feedback-channel", _("Feedback by channel"), "source",
                      Source.choices, "source")  # fmt: skip


def feedback_by_sentiment(f) -> Figure:
    return _over_time(f, "feedback-sentiment", _("Sentiment of feedback"), "sentiment",
                      Sentiment.choices, "sentiment")  # fmt: skip


def feedback_by_segment(f) -> Figure:
    counts: dict[str, int] = {}
    for segment, n in _daily(f, "segment").values_list("value").annotate(n=Sum("count")):
        counts[segment or NO_VALUE] = counts.get(segment or NO_VALUE, 0) + n
    labels = dict(Segment.choices)
    labels[NO_VALUE] = _("No segment")
    order = [v for v, _label in Segment.choices] + [NO_VALUE]
    shown = [k for k in order if counts.get(k)]
    return Figure(
        "feedback-segment", _("Feedback by customer segment"),
        chart(_("Feedback items"), [labels[k] for k in shown], [counts[k] for k in shown],
              keys=[f"ins-{k}" for k in shown],
              links=[list_url(f, "feedback", {"segment": k}) for k in shown]),
        [Counter(labels[k], counts[k], "feedback", {"segment": k}) for k in shown],
        empty=not shown,
    )  # fmt: skip


def top_features(f) -> Figure:
    """The features asked for by the most revenue, with their stage and how many companies
    ask (each company once, whether it wrote or voted: the demand's rule, as their pages and
    the prioritisation table sorted by revenue show it), read from the demand figures kept per
    feature."""
    ranked = FeatureDemand.objects.filter(companies__gt=0).order_by("-revenue", "feature_id")
    if f.product or f.team:
        ranked = ranked.filter(feature__in=scopes.features(f).values("pk"))
    # The ten from the ranking's index first: joined to the features, the database would
    # read them all before sorting.
    top = list(ranked.values_list("feature_id", "revenue", "companies")[:TOP_FEATURES])
    found = Feature.objects.select_related("product").in_bulk([pk for pk, *_rest in top])
    rows = []
    for pk, revenue, companies in top:
        feature = found[pk]
        feature.revenue, feature.unique_companies = revenue, companies
        rows.append(feature)
    return Figure(
        "demand", _("Most asked-for features by revenue"),
        chart(_("Revenue of the companies asking"), [r.title for r in rows],
              [float(r.revenue or 0) for r in rows], keys=[r.stage for r in rows],
              links=[r.get_absolute_url() for r in rows]),
        rows=rows, empty=not rows,
    )  # fmt: skip


# Delivery ---------------------------------------------------------------------------------


def lead_times(f) -> Figure:
    """For the features that reached general availability in the period: the days from the
    first request (the earliest feedback linked to them) to general availability, and the
    average days they spent in each stage before it. Read from the summary of arrivals
    (``LeadTime``), each feature's first arrival in the period: two queries of one table,
    whatever the number of stage entries and requests."""
    start, end = f.window()
    arrivals = LeadTime.objects.filter(
        Q(previous_at=None) | Q(previous_at__lt=start), reached_at__gte=start, reached_at__lte=end
    )  # the first arrival of each feature in the period
    if f.product or f.team:
        arrivals = arrivals.filter(feature__in=scopes.features(f).values("pk"))
    found = arrivals.order_by().aggregate(
        reached=Count("pk"), **{s: Avg(LeadTime.days_in(s)) for s in LeadTime.STAGES}
    )
    leads = list(arrivals.exclude(lead_days=None).values_list("lead_days", flat=True))
    stages = [s for s in Stage.values if found.get(s) is not None]
    median = round(statistics.median(leads)) if leads else None
    return Figure(
        "lead-time", _("Lead time to general availability"),
        chart(_("Average days in the stage"), [Stage(s).label for s in stages],
              [round(found[s], 1) for s in stages], keys=stages,
              links=[list_url(f, "reached-ga")] * len(stages)),
        [Counter(_("Features that reached general availability"), found["reached"],
                 "reached-ga"),
         Counter(_("Median days from the first request"),
                 median if median is not None else "—", "reached-ga", counts=False)],
        empty=not found["reached"],
    )  # fmt: skip


def release_timeliness(f) -> Figure:
    counts = scopes.releases(f).aggregate(
        **{key: Count("pk", filter=q) for key, q in scopes.timeliness(f).items()}
    )
    on_time, late, still_open = counts["on_time"], counts["late"], counts["open_late"]
    labels = [_("Shipped on time"), _("Shipped late"), _("Late, not shipped yet")]
    keys = ["ins-on-time", "ins-late", "ins-open-late"]
    lists = ["releases-on-time", "releases-late", "releases-open-late"]
    values = [on_time, late, still_open]
    return Figure(
        "releases", _("Releases on time and late"),
        chart(_("Releases"), labels, values, keys=keys,
              links=[list_url(f, name) for name in lists]),
        [Counter(label, value, name) for label, value, name in zip(labels, values, lists,
                                                                   strict=True)],
        empty=not any(values),
    )  # fmt: skip


# Quality ----------------------------------------------------------------------------------


def pass_rates(f) -> Figure:
    rows = list(
        scopes.results(f)
        .exclude(run__release=None)
        .order_by()
        .values_list("run__release_id", "run__release__version", "run__release__product__name")
        .annotate(total=Count("pk"), passed=Count("pk", filter=Q(status=ResultStatus.PASSED)))
    )
    rows.sort(key=lambda r: r[0])
    rows = rows[-PASS_RATE_RELEASES:]
    total = sum(r[3] for r in rows)
    passed = sum(r[4] for r in rows)
    overall = f"{round(100 * passed / total)} %" if total else "—"
    failures = gate_failures(f)
    labels = [r[1] if f.product else f"{r[2]} {r[1]}" for r in rows]
    return Figure(
        "pass-rate", _("Pass rate per release"),
        chart(_("Pass rate (%)"), labels, [round(100 * r[4] / r[3], 1) for r in rows],
              kind="line", axis="x", links=[list_url(f, "tested-releases")] * len(rows)),
        [Counter(_("Pass rate in the period"), overall, "tested-releases", counts=False),
         Counter(_("Releases shipped past a failing gate"), len(failures), "gate-failures")],
        rows=failures, empty=not rows and not failures,
    )  # fmt: skip


@dataclass
class GateFailure:
    release: Release
    failing: list[str]
    reason: str


def gate_failures(f) -> list[GateFailure]:
    """Releases shipped in the period although criteria of their gate failed (an
    administrator overrode it), with the criteria that failed: read from the ``released``
    activity, which keeps the verdict as it was when the release shipped."""
    activities = Activity.objects.filter(
        target_type=ContentType.objects.get_for_model(Release),
        target_id__in=scopes.shipped(f).values("pk"),
        verb="released",
    ).order_by("target_id", "-created_at")
    failures, seen = {}, set()
    for target_id, payload in activities.values_list("target_id", "payload"):
        if target_id in seen:
            continue
        seen.add(target_id)
        failing = [v.get("label", v.get("key", "")) for v in payload.get("gate") or []
                   if not v.get("ok")]  # fmt: skip
        if failing:
            failures[target_id] = (failing, payload.get("override_reason") or "")
    if not failures:
        return []
    releases = Release.objects.select_related("product").in_bulk(list(failures))
    out = [GateFailure(releases[pk], *found) for pk, found in failures.items()]
    return sorted(out, key=lambda g: (g.release.released_on, g.release.pk), reverse=True)


def defects(f) -> Figure:
    qs = scopes.open_defects(f)
    counts = dict(qs.order_by().values_list("severity").annotate(n=Count("pk")))
    reported = scopes.customer_reported(qs).count()
    labels = [s.label for s in Severity]
    values = [counts.get(s.value, 0) for s in Severity]
    counters = [Counter(s.label, counts.get(s.value, 0), "open-defects", {"severity": s.value})
                for s in Severity]  # fmt: skip
    counters.append(Counter(_("Reported by customers"), reported, "customer-defects"))
    return Figure(
        "defects", _("Open defects by severity"),
        chart(_("Open defects"), labels, values, keys=[f"sev-{s}" for s in Severity],
              links=[list_url(f, "open-defects", {"severity": s.value}) for s in Severity]),
        counters, empty=not any(values),
    )  # fmt: skip


# Process, knowledge and enablement health ---------------------------------------------------


def playbooks(f) -> Figure:
    overdue = dict(
        scopes.overdue_steps(f)
        .order_by()
        .values_list("run__playbook__name")
        .annotate(n=Count("pk"))
    )
    durations: dict[str, list[float]] = {}
    for name, started, done in scopes.completed_runs(f).values_list(
        "playbook__name", "started_on", "completed_at"
    ):
        durations.setdefault(name, []).append((_day(done) - started).days)
    names = sorted(set(overdue) | set(durations))
    total = sum(overdue.values())
    runs = sum(len(v) for v in durations.values())
    all_days = [d for v in durations.values() for d in v]
    median = round(statistics.median(all_days)) if all_days else "—"
    return Figure(
        "playbooks", _("Playbook health"),
        stacked(names, [
            ("ins-overdue", _("Overdue steps"), [overdue.get(n, 0) for n in names],
             list_url(f, "overdue-steps")),
            ("ins-duration", _("Median run duration (days)"),
             [round(statistics.median(durations[n])) if n in durations else 0 for n in names],
             list_url(f, "completed-runs")),
        ], kind="bar") | {"stacked": False},
        [Counter(_("Overdue steps"), total, "overdue-steps"),
         Counter(_("Runs completed in the period"), runs, "completed-runs"),
         Counter(_("Median run duration (days)"), median, "completed-runs", counts=False)],
        empty=not names,
    )  # fmt: skip


def knowledge(f, *, user) -> Figure:
    totals = scopes.pages(f, user).aggregate(
        total=Count("pk"),
        unowned=Count("pk", filter=Q(owner__isnull=True)),
    )
    stale = scopes.stale_pages(f, user).count()
    labels = [_("Stale pages"), _("Pages without an owner")]
    values = [stale, totals["unowned"]]
    return Figure(
        "knowledge", _("Knowledge health"),
        chart(_("Pages"), labels, values, keys=["ins-stale", "ins-unowned"],
              links=[list_url(f, "stale-pages"), list_url(f, "unowned-pages")]),
        [Counter(_("Pages"), totals["total"], "pages"),
         Counter(labels[0], stale, "stale-pages"),
         Counter(labels[1], totals["unowned"], "unowned-pages")],
        empty=not totals["total"],
    )  # fmt: skip


def training(f, *, user) -> Figure:
    today = f.until
    totals = scopes.assignments(f, user).aggregate(
        total=Count("pk"),
        done=Count("pk", filter=Q(completed_at__isnull=False)),
        overdue=Count("pk", filter=Q(completed_at__isnull=True, due_on__lt=today)),
    )
    in_progress = totals["total"] - totals["done"] - totals["overdue"]
    rate = f"{round(100 * totals['done'] / totals['total'])} %" if totals["total"] else "—"
    labels = [_("Completed"), _("In progress"), _("Overdue")]
    values = [totals["done"], in_progress, totals["overdue"]]
    states = ["done", "open", "overdue"]
    return Figure(
        "training", _("Training completion"),
        chart(_("Assignments"), labels, values, keys=["ins-done", "ins-open", "ins-overdue"],
              links=[list_url(f, "assignments", {"state": state}) for state in states]),
        [Counter(_("Completion"), rate, "assignments", counts=False),
         *[Counter(label, value, "assignments", {"state": state})
           for label, value, state in zip(labels, values, states, strict=True)]],
        empty=not totals["total"],
    )  # fmt: skip


# Survey scores ----------------------------------------------------------------------------


def nps_of(n: int, promoters: int, detractors: int) -> int | None:
    return round(100 * (promoters - detractors) / n) if n else None


def survey_scores(f) -> Figure:
    """NPS month by month (promoters 9–10 less detractors 0–6) and the average CSAT."""
    _trunc, months, _unit = _buckets(DashboardFilter(f.product, f.team, max(f.period, 180)))
    months = [m for m in months if m >= f.since.replace(day=1)]
    kinds = dict(scopes.headline_surveys(f).filter(headline__in=["nps", "csat"])
                 .values_list("pk", "headline"))  # fmt: skip
    per_month = (
        scopes.scored(f, list(kinds)).order_by().values_list("survey_id", "month")
        .annotate(n=Count("pk"), promoters=Count("pk", filter=Q(score__gte=9)),
                  detractors=Count("pk", filter=Q(score__lte=6)),
                  satisfied=Count("pk", filter=Q(score__gte=4)), total=Sum("score"))
    )  # fmt: skip
    nps_rows: dict[dt.date, list[int]] = {}  # responses, promoters, detractors
    csat_rows: dict[dt.date, list[int]] = {}  # responses, satisfied, sum of the scores
    for survey_id, month, n, promoters, detractors, satisfied, total in per_month:
        nps = kinds[survey_id] == "nps"
        row = (nps_rows if nps else csat_rows).setdefault(_day(month), [0, 0, 0])
        for i, value in enumerate((n, promoters, detractors) if nps else (n, satisfied, total)):
            row[i] += value
    csat_n = sum(r[0] for r in csat_rows.values())
    n = sum(r[0] for r in nps_rows.values())
    overall = nps_of(n, sum(r[1] for r in nps_rows.values()), sum(r[2] for r in nps_rows.values()))
    labels = [_bucket_label(m, "month") for m in months]
    nps_values = [nps_of(*nps_rows[m]) if m in nps_rows else None for m in months]
    csat_values = [round(100 * csat_rows[m][1] / csat_rows[m][0]) if m in csat_rows else None
                   for m in months]  # fmt: skip
    average = Decimal(sum(r[2] for r in csat_rows.values())) / csat_n if csat_n else None
    return Figure(
        "surveys", _("NPS and CSAT"),
        stacked(labels, [("ins-nps", _("NPS"), nps_values, list_url(f, "nps-responses")),
                         ("ins-csat", _("Satisfied (CSAT 4–5, %)"), csat_values,
                          list_url(f, "csat-responses"))],
                kind="line"),
        [Counter(_("NPS"), overall if overall is not None else "—", "nps-responses",
                 counts=False),
         Counter(_("NPS responses"), n, "nps-responses"),
         Counter(_("Average CSAT (1–5)"),
                 f"{Decimal(average).quantize(Decimal('0.1'))}" if average else "—",
                 "csat-responses", counts=False),
         Counter(_("CSAT responses"), csat_n, "csat-responses")],
        empty=not nps_rows and not csat_rows,
    )  # fmt: skip


# The whole dashboard --------------------------------------------------------------------------


@dataclass
class Dashboard:
    filters: DashboardFilter
    figures: list[Figure]

    def figure(self, key: str) -> Figure | None:
        return next((fig for fig in self.figures if fig.key == key), None)


FIGURES = (
    "feedback-channel", "feedback-sentiment", "feedback-segment", "demand", "lead-time",
    "releases", "pass-rate", "defects", "playbooks", "knowledge", "training", "surveys",
)  # fmt: skip


def figure(key: str, f: DashboardFilter, *, user) -> Figure:
    """One figure of the dashboard (its CSV, its API)."""
    require_member(user)
    summaries.refresh()
    return _figure(key, f, user=user)


def _figure(key: str, f: DashboardFilter, *, user) -> Figure:
    builders = {
        "feedback-channel": lambda: feedback_by_channel(f),
        "feedback-sentiment": lambda: feedback_by_sentiment(f),
        "feedback-segment": lambda: feedback_by_segment(f),
        "demand": lambda: top_features(f),
        "lead-time": lambda: lead_times(f),
        "releases": lambda: release_timeliness(f),
        "pass-rate": lambda: pass_rates(f),
        "defects": lambda: defects(f),
        "playbooks": lambda: playbooks(f),
        "knowledge": lambda: knowledge(f, user=user),
        "training": lambda: training(f, user=user),
        "surveys": lambda: survey_scores(f),
    }
    return builders[key]()


def dashboard(*, user, filters: DashboardFilter) -> Dashboard:
    """Every figure for ``filters``, as ``user`` may see them."""
    require_member(user)
    summaries.refresh()  # what changed since the last read is recounted first
    return Dashboard(filters, [_figure(key, filters, user=user) for key in FIGURES])


def filter_choices(*, user) -> dict:
    require_member(user)
    return {
        "products": list(Product.objects.order_by("name").values_list("slug", "name")),
        "teams": list(Team.objects.order_by("name").values_list("slug", "name")),
        "periods": [(p, _("Last %(n)d days") % {"n": p}) for p in scopes.PERIODS],
    }


# Saved views and reports ----------------------------------------------------------------------


def saved_view_list(*, user):
    """The reader's own views and those shared with a team of theirs, by name."""
    from .models import SavedView

    require_member(user)
    teams = Team.objects.filter(memberships__user=user).values("pk")
    return (
        SavedView.objects.filter(Q(owner=user) | Q(team__in=teams))
        .select_related("owner", "team")
        .order_by("name", "pk")
    )


def saved_view_get_for_user(*, user, pk: int):
    """A view its owner, a member of the team it is shared with or an administrator may
    open; 404 for anyone else (they do not learn it exists)."""
    from django.http import Http404

    from .models import SavedView

    require_member(user)
    qs = SavedView.objects.select_related("owner", "team")
    view = qs.filter(pk=pk).first() if user.is_admin else saved_view_list(user=user).filter(
        pk=pk).first()  # fmt: skip
    if view is None:
        raise Http404
    return view


def report_list(*, user):
    from .models import WeeklyReport

    require_member(user)
    return WeeklyReport.objects.filter(user=user).order_by("-week_start", "-pk")


def report_get_for_user(*, user, pk: int):
    from django.shortcuts import get_object_or_404

    return get_object_or_404(report_list(user=user), pk=pk)
