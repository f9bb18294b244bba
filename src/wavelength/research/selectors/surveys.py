"""Reads of the research app, permission-checked: surveys, their questions and the results
(response rate, NPS with its 95 % confidence interval, distributions, trends, breakdowns),
each a fixed number of aggregate queries whatever the number of responses."""

import datetime as dt
import math
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Avg, Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from wavelength.accounts.permissions import require_member
from wavelength.catalog.models import Stage, StageEntry
from wavelength.feedback.models import Segment
from wavelength.feedback.selectors import asking_companies, demand_for_features

from ..models import (
    CHOICE_KINDS,
    SCORED,
    TEXT_KINDS,
    Answer,
    Invitation,
    Question,
    QuestionKind,
    Response,
    Survey,
    SurveyStatus,
)

Z95 = 1.959964  # the standard normal quantile of a two-sided 95 % interval


def survey_list(*, user, status: str = "") -> QuerySet[Survey]:
    require_member(user)
    qs = Survey.objects.select_related("product", "feature").annotate(
        response_count=Count("responses", distinct=True)
    )
    if status in SurveyStatus.values:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-id")


def survey_get(*, user, pk: int) -> Survey:
    require_member(user)
    related = Survey.objects.select_related("product", "feature", "release__product")
    return get_object_or_404(related, pk=pk)


def questions_of(survey: Survey) -> list[Question]:
    return list(survey.questions.select_related("show_if").order_by("position"))


def question_get(*, user, pk: int) -> Question:
    require_member(user)
    return get_object_or_404(Question.objects.select_related("survey", "show_if"), pk=pk)


def public_survey(token: str) -> Survey:
    """The survey behind a public link (a draft is not shown to anyone)."""
    return get_object_or_404(Survey.objects.exclude(status=SurveyStatus.DRAFT), public_token=token)


def invitation_for(token: str) -> Invitation:
    qs = Invitation.objects.select_related("survey", "contact").exclude(
        survey__status=SurveyStatus.DRAFT
    )
    return get_object_or_404(qs, token=token)


def distributions_of(survey: Survey):
    return survey.distributions.select_related("created_by").order_by("-created_at", "-id")[:20]


# NPS ------------------------------------------------------------------------------------


@dataclass
class Nps:
    """The Net Promoter Score of ``n`` answers and its 95 % confidence interval.

    With p and d the shares of promoters (9–10) and detractors (0–6), NPS = 100 (p − d); each
    answer scores +1, 0 or −1, so the variance of one answer is p + d − (p − d)², and the
    interval is NPS ± 1.96 × 100 × √((p + d − (p − d)²) / n), clipped to [−100, 100]."""

    n: int
    promoters: int
    detractors: int

    @property
    def passives(self) -> int:
        return self.n - self.promoters - self.detractors

    @property
    def score(self) -> float | None:
        return None if not self.n else 100 * (self.promoters - self.detractors) / self.n

    @property
    def margin(self) -> float | None:
        if not self.n:
            return None
        p, d = self.promoters / self.n, self.detractors / self.n
        return 100 * Z95 * math.sqrt(max(p + d - (p - d) ** 2, 0) / self.n)

    @property
    def low(self) -> float | None:
        return None if not self.n else max(-100.0, self.score - self.margin)

    @property
    def high(self) -> float | None:
        return None if not self.n else min(100.0, self.score + self.margin)


def _nps_counts(**extra):
    return {
        "n": Count("id"),
        "promoters": Count("id", filter=Q(score__gte=9)),
        "detractors": Count("id", filter=Q(score__lte=6)),
        "average": Avg("score"),
        **extra,
    }


# Results --------------------------------------------------------------------------------


@dataclass
class Filters:
    since: dt.date | None = None
    until: dt.date | None = None
    segment: str = ""
    language: str = ""

    def apply(self, qs):
        if self.since:
            qs = qs.filter(submitted_at__date__gte=self.since)
        if self.until:
            qs = qs.filter(submitted_at__date__lte=self.until)
        if self.segment == "none":
            qs = qs.filter(segment="")
        elif self.segment in Segment.values:
            qs = qs.filter(segment=self.segment)
        if self.language in ("en", "fr"):
            qs = qs.filter(language=self.language)
        return qs


@dataclass
class Results:
    survey: Survey
    headline: Question | None
    responses: int
    invited: int
    answered_invitations: int
    nps: Nps | None = None
    average: float | None = None
    satisfied: float | None = None  # CSAT: share answering 4 or 5; CES: 5 to 7
    distribution: dict = field(default_factory=dict)
    trend: list = field(default_factory=list)
    segments: list = field(default_factory=list)
    questions: list = field(default_factory=list)

    @property
    def response_rate(self) -> float | None:
        return 100 * self.answered_invitations / self.invited if self.invited else None


def _headline(questions: list[Question]) -> Question | None:
    return next((q for q in questions if q.kind in SCORED), None)


def _summary(row: dict, kind: str | None) -> dict:
    """A group of responses (a month, a segment): its count and headline figure."""
    summary = {"n": row["n"], "average": row["average"]}
    if kind == QuestionKind.NPS:
        summary["nps"] = Nps(row["n"], row["promoters"], row["detractors"])
    return summary


def results(*, user, survey: Survey, filters: Filters | None = None) -> Results:
    """Every figure of the results page in a fixed number of queries."""
    require_member(user)
    filters = filters or Filters()
    questions = questions_of(survey)
    headline = _headline(questions)
    kind = headline.kind if headline else None
    responses = filters.apply(Response.objects.filter(survey=survey))
    invitations = survey.invitations.aggregate(
        invited=Count("id", filter=Q(sent_at__isnull=False)),
        answered=Count("id", filter=Q(sent_at__isnull=False, responded_at__isnull=False)),
    )
    out = Results(survey=survey, headline=headline, responses=responses.count(),
                  invited=invitations["invited"],
                  answered_invitations=invitations["answered"])  # fmt: skip
    if headline is not None:
        _headline_figures(out, responses.filter(score__isnull=False), kind)
    out.questions = _breakdowns(questions, responses, filtered=filters != Filters())
    return out


def _headline_figures(out: Results, scored, kind: str) -> None:
    high = 5 if kind == QuestionKind.CES else 4
    total = scored.aggregate(**_nps_counts(high=Count("id", filter=Q(score__gte=high))))
    out.average = total["average"]
    if kind == QuestionKind.NPS:
        out.nps = Nps(total["n"], total["promoters"], total["detractors"])
    elif total["n"]:
        out.satisfied = 100 * total["high"] / total["n"]
    low, top = out.headline.scale
    counts = dict(scored.values_list("score").annotate(c=Count("id")).order_by())
    out.distribution = {str(s): counts.get(s, 0) for s in range(low, top + 1)}
    months = scored.values("month").annotate(**_nps_counts()).order_by("month")
    out.trend = [{"month": r["month"], **_summary(r, kind)} for r in months]
    segments = scored.values("segment").annotate(**_nps_counts()).order_by("segment")
    labels = dict(Segment.choices)
    out.segments = [{"segment": r["segment"], "label": labels.get(r["segment"], ""),
                     **_summary(r, kind)} for r in segments]  # fmt: skip


def _breakdowns(questions: list[Question], responses, *, filtered: bool) -> list[dict]:
    """Per question: the count of each answer (scales and choices), or the latest texts.
    Unfiltered, the answers are found by their questions alone (no join to the responses)."""
    answers = Answer.objects.filter(question__in=[q.pk for q in questions])
    if filtered:
        answers = answers.filter(response__in=responses.values("pk"))
    scales = [q.pk for q in questions if q.scale]
    numbers = Counter()
    for question_id, number, count in (
        answers.filter(question_id__in=scales).values_list("question_id", "number")
        .annotate(c=Count("id")).order_by()
    ):  # fmt: skip
        numbers[(question_id, number)] = count
    answered = dict(answers.values_list("question_id").annotate(c=Count("id")).order_by())
    choice_ids = [q.pk for q in questions if q.kind in CHOICE_KINDS]
    chosen = Counter()
    # Grouped by the whole list of choices (stored in the question's order): few groups.
    for question_id, values, count in (
        answers.filter(question_id__in=choice_ids).values_list("question_id", "choices")
        .annotate(c=Count("id")).order_by()
    ):  # fmt: skip
        chosen.update({(question_id, v): count for v in values or []})
    text_ids = [q.pk for q in questions if q.kind in TEXT_KINDS or q.kind == QuestionKind.NPS]
    latest = {}
    for question_id in text_ids:
        rows = answers.filter(question_id=question_id).exclude(text="")
        latest[question_id] = list(rows.select_related("feedback").order_by("-id")[:5])
    out = []
    for q in questions:
        row = {"question": q, "answered": answered.get(q.pk, 0), "counts": [],
               "texts": latest.get(q.pk, [])}  # fmt: skip
        if q.scale:
            low, high = q.scale
            row["counts"] = [(str(n), numbers[(q.pk, n)]) for n in range(low, high + 1)]
        elif q.kind in CHOICE_KINDS:
            row["counts"] = [(label, chosen[(q.pk, value)]) for value, label in q.shown_choices]
        out.append(row)
    return out


def response_list(*, user, survey: Survey, filters: Filters | None = None):
    """The responses, newest first, with their answers (for the list and the CSV export)."""
    require_member(user)
    qs = (filters or Filters()).apply(Response.objects.filter(survey=survey))
    return (
        qs.select_related("contact", "company")
        .prefetch_related("answers")
        .order_by("-submitted_at", "-id")
    )


def feature_outcome(*, user, feature) -> list[dict]:
    """The measured outcome of a feature: each survey about it (sent, or scheduled to send
    itself) with its headline figure and how many of its responses came from the companies
    that asked for the feature; every row also carries the demand that justified the feature
    (companies asking and their revenue) and when it shipped. A fixed number of queries."""
    require_member(user)
    surveys = list(
        Survey.objects.filter(feature=feature)
        .filter(~Q(status=SurveyStatus.DRAFT) | Q(follow_up_days__isnull=False))
        .select_related("release__product").prefetch_related("questions")
        .order_by("-created_at")[:5]
    )  # fmt: skip
    if not surveys:
        return []
    demand = demand_for_features(user=user, feature_ids=[feature.pk])[feature.pk]
    shipped_on = _shipped_on(feature)
    askers = asking_companies(feature).values("pk")
    context = {"asked_by": demand.unique_companies, "asked_revenue": demand.revenue,
               "shipped_on": shipped_on,
               "nps_change": _nps_before_after(feature, askers, shipped_on)}  # fmt: skip
    out = []
    for survey in surveys:
        headline = _headline(sorted(survey.questions.all(), key=lambda q: q.position))
        if headline is None:
            continue
        extra = {"from_askers": Count("id", filter=Q(company__in=askers))}
        row = survey.responses.aggregate(**_nps_counts(**extra))
        scheduled = survey.status == SurveyStatus.DRAFT
        out.append({"survey": survey, "kind": headline.kind, "scheduled": scheduled,
                    "from_askers": row["from_askers"], **context,
                    **_summary(row, headline.kind)})  # fmt: skip
    return out


def _nps_before_after(feature, askers, shipped_on: dt.date | None) -> dict | None:
    """The NPS the companies that asked gave in the NPS surveys (those whose headline is an NPS
    question, not about this feature) before the feature became generally available and after:
    did shipping it move them? One aggregate query; None until it shipped."""
    if shipped_on is None:
        return None
    nps_surveys = (
        Survey.objects.filter(questions__kind=QuestionKind.NPS)
        .exclude(questions__kind__in=[QuestionKind.CSAT, QuestionKind.CES])
        .exclude(feature=feature).values("pk")
    )  # fmt: skip
    shipped = Q(submitted_at__date__gte=shipped_on)
    row = Response.objects.filter(
        survey__in=nps_surveys, company__in=askers, score__isnull=False
    ).aggregate(
        n_before=Count("id", filter=~shipped),
        promoters_before=Count("id", filter=~shipped & Q(score__gte=9)),
        detractors_before=Count("id", filter=~shipped & Q(score__lte=6)),
        n_after=Count("id", filter=shipped),
        promoters_after=Count("id", filter=shipped & Q(score__gte=9)),
        detractors_after=Count("id", filter=shipped & Q(score__lte=6)),
    )
    before = Nps(row["n_before"], row["promoters_before"], row["detractors_before"])
    after = Nps(row["n_after"], row["promoters_after"], row["detractors_after"])
    return {"before": before, "after": after} if before.n and after.n else None


def _shipped_on(feature) -> dt.date | None:
    """The day the feature last reached general availability (None if it has not)."""
    entry = (
        StageEntry.objects.filter(feature=feature, stage=Stage.GENERALLY_AVAILABLE)
        .order_by("-entered_at").first()
    )  # fmt: skip
    return entry.entered_at.date() if entry else None


def release_follow_ups(*, user, release) -> list[dict]:
    """The release page's "Follow-up surveys" section: one item with the surveys scheduled
    from the release and, for each, its responses so far."""
    require_member(user)
    surveys = list(
        Survey.objects.filter(release=release).select_related("feature")
        .annotate(response_count=Count("responses")).order_by("feature__title", "pk")
    )  # fmt: skip
    return [{"release": release, "surveys": surveys}]
