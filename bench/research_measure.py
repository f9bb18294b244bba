"""Measurements of surveys: the results page of a survey with 100,000 responses (NPS, a
multiple-choice question and an open text), beside the bare SQL of the same aggregates, and
the same page's queries for 100 responses (they must not grow with the responses).

The responses are written inside a transaction that is rolled back, so the bench data set
stays as generated and every run of the bench measures the same thing.
"""

import datetime as dt
import random

from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from wavelength.accounts.models import User
from wavelength.feedback.models import Segment
from wavelength.research import services
from wavelength.research.models import (
    Answer,
    Invitation,
    Question,
    Response,
    Survey,
    month_of,
)

from .data import ADMIN_EMAIL
from .measure import Bench, BenchError, Check, Result, _in, _t

RESPONSES = 100_000
SMALL = 100
CHOICES = ["Faster reports", "Better exports", "Mobile app", "More integrations"]
SEGMENTS = [*Segment.values, ""]


class _Rollback(Exception):
    pass


def _each_choice() -> str:
    """A row per choice of an answer, as ``j.value``: each database has its own JSON function."""
    if connection.vendor == "postgresql":
        return "jsonb_array_elements_text(a.choices) AS j(value)"
    return "json_each(a.choices) j"


class ResearchBench:
    def __init__(self, bench: Bench):
        self.bench = bench
        bench.tables.update(response=_t(Response), answer=_t(Answer), question=_t(Question),
                            invitation=_t(Invitation), survey=_t(Survey))  # fmt: skip
        self.admin = User.objects.get(email=ADMIN_EMAIL)

    def _survey(self, responses: int) -> Survey:
        """An open NPS survey answered ``responses`` times over a year: every response scores,
        one in two picks choices, one in ten writes a reason."""
        survey = services.survey_create(actor=self.admin, title=f"Bench NPS {responses}")
        nps = services.question_add(actor=self.admin, survey=survey, kind="nps", text="NPS?")
        pick = services.question_add(actor=self.admin, survey=survey, kind="multiple",
                                     text="Next?", choices=CHOICES)  # fmt: skip
        services.survey_update(actor=self.admin, survey=survey, status="open")
        rng = random.Random(responses)
        start = timezone.now() - dt.timedelta(days=365)
        weights = [2, 1, 1, 2, 2, 3, 4, 8, 10, 14, 12]
        rows = []
        for _ in range(responses):
            when = start + dt.timedelta(minutes=rng.randint(0, 525_000))
            rows.append(Response(survey=survey, segment=rng.choice(SEGMENTS), language="en",
                                 score=rng.choices(range(11), weights=weights)[0],
                                 submitted_at=when, month=month_of(when)))  # fmt: skip
        rows = Response.objects.bulk_create(rows, batch_size=2000)
        answers = []
        for n, row in enumerate(rows):
            answers.append(Answer(response=row, question=nps, number=row.score,
                                  text="Because." if n % 10 == 0 else ""))  # fmt: skip
            if n % 2 == 0:
                answers.append(Answer(response=row, question=pick, choices=rng.sample(CHOICES, 2)))
        Answer.objects.bulk_create(answers, batch_size=5000)
        return survey

    def _bare(self, survey: Survey):
        """The page's aggregates as hand-written SQL: counts, NPS, distribution, months,
        segments, per-question counts, the latest texts and the first page of responses."""
        b, s = self.bench, survey.pk
        nps_counts = (
            "COUNT(*), SUM(CASE WHEN score >= 9 THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN score <= 6 THEN 1 ELSE 0 END), AVG(score)"
        )
        b.sql("SELECT * FROM {question} WHERE survey_id = %s ORDER BY position", [s])
        b.sql("SELECT COUNT(*) FROM {response} WHERE survey_id = %s", [s])
        b.sql("SELECT COUNT(sent_at), COUNT(responded_at) FROM {invitation} WHERE survey_id = %s",
              [s])  # fmt: skip
        scored = "FROM {response} WHERE survey_id = %s AND score IS NOT NULL"
        b.sql(f"SELECT {nps_counts} {scored}", [s])
        b.sql(f"SELECT score, COUNT(*) {scored} GROUP BY score", [s])
        b.sql(f"SELECT month, {nps_counts} {scored} GROUP BY month", [s])
        b.sql(f"SELECT segment, {nps_counts} {scored} GROUP BY segment", [s])
        # Unfiltered, the answers are those of the survey's questions.
        questions = [row[0] for row in b.sql("SELECT id FROM {question} WHERE survey_id = %s", [s])]
        answers = f"FROM {{answer}} a WHERE a.question_id IN ({_in(questions)})"
        b.sql(f"SELECT a.question_id, a.number, COUNT(*) {answers} AND a.number IS NOT NULL "
              "GROUP BY a.question_id, a.number", questions)  # fmt: skip
        b.sql(f"SELECT a.question_id, COUNT(*) {answers} GROUP BY a.question_id", questions)
        chosen = answers.replace("WHERE", f", {_each_choice()} WHERE")
        b.sql(f"SELECT j.value, COUNT(*) {chosen} GROUP BY j.value", questions)
        for question in questions:
            b.sql("SELECT a.* FROM {answer} a WHERE a.question_id = %s AND a.text <> '' "
                  "ORDER BY a.id DESC LIMIT 5", [question])  # fmt: skip
        page = b.sql("SELECT id FROM {response} WHERE survey_id = %s "
                     "ORDER BY submitted_at DESC, id DESC LIMIT 25", [s])  # fmt: skip
        ids = [row[0] for row in page]
        return b.sql(f"SELECT * FROM {{answer}} WHERE response_id IN ({_in(ids)})", ids)

    def results_page(self) -> tuple[Result, Check]:
        b = self.bench
        out: dict = {}
        try:
            with transaction.atomic():
                small = self._survey(SMALL)
                survey = self._survey(RESPONSES)
                url = reverse("research:survey-results", args=[survey.pk])

                def expect(response):
                    if f'data-testid="responses">{RESPONSES}<' not in response.content.decode():
                        raise BenchError(f"GET {url} does not count {RESPONSES:,} responses.")

                label = f"GET /research/surveys/<id>/results/ ({RESPONSES:,} responses)"
                out["result"] = b.measure("page.survey", label, url, expect,
                                          lambda: self._bare(survey))  # fmt: skip
                small_url = reverse("research:survey-results", args=[small.pk])
                out["check"] = Check(
                    "survey results",
                    {f"{SMALL} responses": b.queries(small_url),
                     f"{RESPONSES:,} responses": out["result"].queries},
                    tolerance=0,
                )  # fmt: skip
                raise _Rollback
        except _Rollback:
            pass
        return out["result"], out["check"]
