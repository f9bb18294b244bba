import datetime as dt

import pytest

from wavelength.core import clock
from wavelength.feedback.models import Company, Contact
from wavelength.research import services

NOW = dt.datetime(2026, 3, 16, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def now():
    with clock.travel(NOW):
        yield NOW


def make_survey(actor, *, open_=True, **fields):
    survey = services.survey_create(
        actor=actor, title=fields.pop("title", "Quarterly NPS"), **fields
    )
    services.question_add(
        actor=actor,
        survey=survey,
        kind="nps",
        text="How likely are you to recommend us?",
        required=True,
    )
    if open_:
        services.survey_update(actor=actor, survey=survey, status="open")
        survey.refresh_from_db()
    return survey


@pytest.fixture
def survey(now, editor):
    return make_survey(editor)


@pytest.fixture
def nps(survey):
    return survey.questions.get(position=1)


@pytest.fixture
def customers(db):
    big = Company.objects.create(name="Bigco", segment="enterprise", plan="Scale", arr=200000)
    small = Company.objects.create(name="Smallco", segment="smb", plan="Team", arr=5000)
    return {
        "ann": Contact.objects.create(email="ann@bigco.com", name="Ann", company=big),
        "ben": Contact.objects.create(email="ben@smallco.com", name="Ben", company=small),
        "gone": Contact.objects.create(email="gone@bigco.com", company=big, unsubscribed_at=NOW),
    }
