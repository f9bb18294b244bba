import datetime as dt
import math

import pytest

from wavelength.core import clock
from wavelength.feedback.models import Company, Contact
from wavelength.research import selectors, services
from wavelength.research.models import Invitation
from wavelength.research.selectors import Filters, Nps


def test_nps_and_its_interval_against_hand_computed_values():
    # 10 answers: 5 promoters, 3 passives, 2 detractors. p = .5, d = .2, NPS = 30;
    # variance of one answer = .5 + .2 - .3² = .61; half-width = 1.96 × 100 × √(.61 / 10)
    nps = Nps(n=10, promoters=5, detractors=2)
    assert nps.score == 30
    assert nps.margin == pytest.approx(48.408, abs=0.01)
    assert (nps.low, nps.high) == (
        pytest.approx(-18.408, abs=0.01),
        pytest.approx(78.408, abs=0.01),
    )
    # 200 answers: 120 promoters, 30 detractors: NPS 45, half-width 1.96 × 100 × √(.5475/200)
    nps = Nps(n=200, promoters=120, detractors=30)
    assert nps.score == 45
    assert nps.margin == pytest.approx(1.959964 * 100 * math.sqrt(0.5475 / 200))
    assert nps.margin == pytest.approx(10.255, abs=0.01)


def test_interval_is_clipped_and_empty_is_none():
    assert Nps(n=3, promoters=3, detractors=0).high == 100
    assert Nps(n=3, promoters=3, detractors=0).margin == 0
    assert Nps(n=0, promoters=0, detractors=0).score is None


def test_results_trend_segments_rate_and_breakdowns(survey, nps, editor, viewer):
    plan = services.question_add(
        actor=editor,
        survey=survey,
        kind="multiple",
        text="Use?",
        choices=["Charts", "Exports"],
        choices_fr=["Graphes", "Exports"],
    )
    big = Company.objects.create(name="Big", segment="enterprise")
    ann = Contact.objects.create(email="ann@big.com", company=big)
    services.distribution_create(
        actor=editor, survey=survey, audience="list", emails="ann@big.com\nzed@other.com"
    )
    Invitation.objects.update(sent_at=clock.now())
    invitation = Invitation.objects.get(contact=ann)
    start = clock.now()
    with clock.travel(start - dt.timedelta(days=40)):
        services.response_submit(survey=survey, answers={nps.pk: {"value": 2}})
    services.response_submit(
        survey=survey,
        invitation=invitation,
        answers={nps.pk: {"value": 10}, plan.pk: {"value": ["Charts"]}},
    )
    services.response_submit(
        survey=survey, answers={nps.pk: {"value": 9}, plan.pk: {"value": ["Charts", "Exports"]}}
    )
    results = selectors.results(user=viewer, survey=survey)
    assert results.responses == 3 and results.response_rate == 50
    assert results.nps.score == pytest.approx(100 / 3)
    assert results.distribution["10"] == 1 and results.distribution["2"] == 1
    assert [(r["month"].month, r["n"]) for r in results.trend] == [(2, 1), (3, 2)]
    assert {r["segment"]: r["n"] for r in results.segments} == {"": 2, "enterprise": 1}
    by_question = {row["question"].pk: row for row in results.questions}
    assert by_question[plan.pk]["counts"] == [("Charts", 2), ("Exports", 1)]
    enterprise = selectors.results(
        user=viewer, survey=survey, filters=Filters(segment="enterprise")
    )
    assert enterprise.responses == 1 and enterprise.nps.score == 100
