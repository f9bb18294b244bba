import datetime as dt

import pytest

from tests.factories import FeatureFactory
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


BODY = """## Session with Ann

Ann exports **every Monday** to build the board deck.
She said: the export takes ten minutes and often fails on large accounts.
They compared us with Acme Analytics last year."""


@pytest.fixture
def study(now, editor, customers, product):
    return services.study_create(
        actor=editor, title="Why exports fail", goal="Learn how **teams** export.",
        method="interview", status="running", product=product,
        starts_on=dt.date(2026, 3, 1), participants=[customers["ann"]],
    )  # fmt: skip


@pytest.fixture
def note(study, editor, customers):
    return services.note_create(
        actor=editor, study=study, title="Ann, Bigco", body=BODY,
        participant=customers["ann"], taken_on=dt.date(2026, 3, 10),
    )  # fmt: skip


@pytest.fixture
def feature(product):
    return FeatureFactory(product=product, title="Faster exports", stage="planned")
