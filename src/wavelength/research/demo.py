"""The demo's surveys: a quarterly NPS sent by e-mail over the past year (four waves, with
answers coming in over the following weeks, and a public link answered now and
then), and a CSAT sent to the customers who asked for a feature two weeks after it shipped;
and its research repository: an interview study whose notes have highlights linked to the
features they ask for, a usability test under way, two personas, three competitors named in
feedback, and the follow-ups scheduled from the next planned release.
Dates count back from the story's end, so the story is the same on any date; everything goes
through the services, each step at its own time (clock.travel)."""

import datetime as dt
import random

from django.core.mail import get_connection
from django.db import transaction
from django.db.models import Count

from wavelength.accounts.models import User
from wavelength.catalog.models import Feature, Release, ReleaseStatus, Stage
from wavelength.core import clock
from wavelength.feedback.models import Company, Contact, Segment, Source
from wavelength.feedback.services import feedback_create

from . import services
from .models import Survey

WAVE_SIZE = 110
REASONS = {
    "detractor": [
        "Reports take far too long to load for our team.",
        "The export keeps failing on large data sets.",
        "Pricing went up but the product did not.",
        "Support took a week to answer our ticket.",
        "Les tableaux de bord sont trop lents le matin.",
    ],
    "passive": [
        "Does the job, but the mobile app is lacking.",
        "Good overall; permissions are confusing.",
        "We would like more integrations.",
        "Bien, mais il manque l'export PDF.",
    ],
    "promoter": [
        "The dashboards changed how we run our weekly review.",
        "Great support and fast releases.",
        "Setting up was painless and the team loves it.",
        "Très simple à utiliser, toute l'équipe l'a adopté.",
    ],
}
IMPROVE = ["Faster reports", "Better exports", "Mobile app", "More integrations"]
# How each segment leans: a share of promoters and of detractors.
LEANING = {Segment.ENTERPRISE: (0.55, 0.15), Segment.MID_MARKET: (0.45, 0.2),
           Segment.SMB: (0.35, 0.3), Segment.STARTUP: (0.5, 0.25), "": (0.4, 0.25)}  # fmt: skip


def _score(rng: random.Random, segment: str, quarter: int) -> int:
    promoters, detractors = LEANING.get(segment, LEANING[""])
    promoters += 0.04 * quarter  # the product gets better over the year
    draw = rng.random()
    if draw < promoters:
        return rng.choice([9, 10])
    if draw < promoters + detractors:
        return rng.randint(0, 6)
    return rng.choice([7, 8])


def _group(score: int) -> str:
    return "promoter" if score >= 9 else "detractor" if score <= 6 else "passive"


def _answers(rng, questions, score: int) -> dict:
    nps, uses, improve = questions
    answers = {nps.pk: {"value": score, "text": ""}}
    if rng.random() < 0.2:
        answers[nps.pk]["text"] = rng.choice(REASONS[_group(score)])
    answers[uses.pk] = {"value": rng.sample(IMPROVE, rng.randint(1, 2))}
    if score <= 6 and rng.random() < 0.3:
        answers[improve.pk] = {"value": rng.choice(REASONS["detractor"])}
    return answers


def _nps_survey(actor) -> tuple[Survey, list]:
    survey = services.survey_create(
        actor=actor, title="Quarterly NPS", title_fr="NPS trimestriel",
        intro="Two questions, one minute: tell us how we are doing.",
        intro_fr="Deux questions, une minute : dites-nous comment nous nous en sortons.",
    )  # fmt: skip
    nps = services.question_add(
        actor=actor, survey=survey, kind="nps", required=True,
        text="How likely are you to recommend us to a friend or colleague?",
        text_fr="Quelle est la probabilité que vous nous recommandiez à un ami ou un collègue ?",
    )  # fmt: skip
    uses = services.question_add(
        actor=actor, survey=survey, kind="multiple", text="What should we work on next?",
        text_fr="Sur quoi devrions-nous travailler ensuite ?", choices=IMPROVE,
        choices_fr=["Des rapports plus rapides", "De meilleurs exports", "L'application mobile",
                    "Plus d'intégrations"],
    )  # fmt: skip
    improve = services.question_add(
        actor=actor, survey=survey, kind="long_text", text="What would make you recommend us?",
        text_fr="Qu'est-ce qui vous ferait nous recommander ?", show_if=nps,
        show_if_values=[str(n) for n in range(7)],
    )  # fmt: skip
    services.survey_update(actor=actor, survey=survey, status="open")
    return survey, [nps, uses, improve]


def _wave(rng, actor, survey, questions, contacts, start, quarter, end) -> None:
    chosen = sorted(rng.sample(contacts, min(WAVE_SIZE, len(contacts))), key=lambda c: c.pk)
    emails = "\n".join(c.email for c in chosen)
    with clock.travel(start):
        wave = services.distribution_create(
            actor=actor, survey=survey, audience="list", emails=emails, send=False
        )
        services.invitations_send_run(survey_id=survey.pk, connection=_no_mail())
    waiting = wave.invitations.select_related("contact__company")
    for invitation in waiting.order_by("pk"):
        if rng.random() > 0.5:
            continue
        when = start + dt.timedelta(days=rng.randint(0, 20), hours=rng.randint(1, 8))
        if when >= end:
            continue
        segment = invitation.contact.company.segment if invitation.contact.company else ""
        score = _score(rng, segment, quarter)
        with clock.travel(when):
            services.response_submit(survey=survey, invitation=invitation, language="en",
                                     answers=_answers(rng, questions, score))  # fmt: skip


def _public_answers(rng, survey, questions, start, end) -> None:
    when = start
    while when < end:
        when += dt.timedelta(days=rng.randint(4, 12), hours=rng.randint(0, 6))
        if when >= end:
            break
        with clock.travel(when):
            services.response_submit(
                survey=survey,
                language=rng.choice(["en", "fr"]),
                answers=_answers(rng, questions, _score(rng, "", 2)),
            )


def _csat_after_ship(rng, actor, end) -> None:
    """A CSAT two weeks after a shipped feature, to those who asked for it."""
    features = (
        Feature.objects.filter(stage=Stage.GENERALLY_AVAILABLE)
        .annotate(askers=Count("feedback_links__feedback__contact", distinct=True))
        .order_by("-askers", "pk")
    )
    old_enough = end - dt.timedelta(days=30)
    shipped = None
    for feature in features[:10]:
        entry = feature.stage_entries.filter(stage=Stage.GENERALLY_AVAILABLE).last()
        if entry is not None and entry.entered_at < old_enough:
            shipped = entry
            break
    if shipped is None:
        return
    feature = shipped.feature
    with clock.travel(shipped.entered_at - dt.timedelta(days=1)):
        survey = services.survey_create(
            actor=actor, title=f"{feature.title}: does it solve your problem?",
            title_fr=f"{feature.title} : cela résout-il votre problème ?",
            feature=feature, follow_up_days=14,
        )  # fmt: skip
        csat = services.question_add(
            actor=actor, survey=survey, kind="csat", required=True,
            text="How satisfied are you with what we shipped?",
            text_fr="Êtes-vous satisfait de ce que nous avons livré ?",
        )  # fmt: skip
        why = services.question_add(actor=actor, survey=survey, kind="short_text",
                                    text="What is still missing?",
                                    text_fr="Que manque-t-il encore ?")  # fmt: skip
    sent_on = shipped.entered_at + dt.timedelta(days=14, hours=1)
    with clock.travel(sent_on):  # the hourly job finds it due and sends it
        services.follow_ups_send(send=False)
        services.invitations_send_run(survey_id=survey.pk, connection=_no_mail())
    for invitation in survey.invitations.order_by("pk"):
        if rng.random() > 0.7:
            continue
        with clock.travel(sent_on + dt.timedelta(days=rng.randint(0, 6), hours=rng.randint(1, 9))):
            answers = {csat.pk: {"value": rng.choices([5, 4, 3, 2], [5, 4, 1, 1])[0]}}
            if rng.random() < 0.3:
                answers[why.pk] = {"value": rng.choice(["A CSV export of the chart.",
                                                        "Nothing, thank you!"])}  # fmt: skip
            services.response_submit(survey=survey, invitation=invitation, answers=answers)


def _no_mail():
    """The demo's e-mails went out in its story, not now: they go nowhere."""
    return get_connection("django.core.mail.backends.dummy.EmailBackend")


def build_research_demo(*, seed: int = 7, now: dt.datetime | None = None) -> dict:
    """Add the demo's surveys unless some exist."""
    if Survey.objects.exists():
        return {"created": False}
    end = now or clock.now()
    actor = User.objects.filter(role="admin", is_active=True).order_by("pk").first()
    contacts = list(Contact.objects.select_related("company").filter(unsubscribed_at=None)
                    .order_by("pk"))  # fmt: skip
    if actor is None or not contacts:
        return {"created": False}
    rng = random.Random(seed + 17)
    first = (end - dt.timedelta(days=360)).replace(hour=9, minute=0, second=0, microsecond=0)
    with transaction.atomic():
        with clock.travel(first - dt.timedelta(days=2)):
            survey, questions = _nps_survey(actor)
        for quarter in range(4):
            start = first + dt.timedelta(days=91 * quarter)
            _wave(rng, actor, survey, questions, contacts, start, quarter, end)
        _public_answers(rng, survey, questions, first, end)
        _csat_after_ship(rng, actor, end)
        _repository(rng, actor, end)
    return {"created": True}


# The research repository ------------------------------------------------------------------

INTERVIEW = """## Context

{name} runs the weekly operations review at {company}. Every Monday the team pulls the numbers
into a slide deck by hand.

## What we heard

- "I spend **two hours every Monday** copying charts into slides."
- The export of a large board often times out, so they split it by region.
- {name} would pay more for {feature_a}: "if the board were ready on Monday morning, my
  team would look at it before the meeting, not during it."
- They asked whether {feature_b} could send the numbers to finance too.

## Follow-up

Send the prototype of {feature_a} when it is ready."""

HIGHLIGHTS = [
    ("I spend two hours every Monday copying charts into slides.", ["time-sink", "reporting"], 0),
    ("if the board were ready on Monday morning, my team would look at it before the meeting, "
     "not during it.", ["value"], 0),
    ("The export of a large board often times out, so they split it by region.",
     ["exports", "pain"], 1),
]  # fmt: skip

USABILITY = """## Task 1: build a board from a template

Four of five participants found the template gallery within a minute. Everyone hesitated at
the data source step: **the word "connector" meant nothing to them**.

## Task 2: share the board

Sharing was found quickly; two people expected a link that needs no sign-in."""

COMPETITORS = [
    ("Northwind Analytics", "https://northwind.example", ["Northwind"],
     "The incumbent in enterprise accounts; strong on governance, slow to set up."),
    ("Chartwell", "https://chartwell.example", [],
     "Cheap and quick for small teams; no scheduled reports."),
    ("Datavue", "https://datavue.example", ["DataVue BI"],
     "Sells dashboards to finance teams through resellers."),
]  # fmt: skip
MENTIONS = [
    "We are comparing you with {name}: their scheduled exports are what we miss.",
    "Our finance team still uses {name} for the monthly close.",
    "Switching from {name} was easy, but we miss their PDF reports.",
]


def _repository(rng, actor, end) -> None:
    people = Contact.objects.select_related("company").filter(
        unsubscribed_at=None, company__isnull=False
    )
    contacts = list(people.order_by("-company__arr", "pk")[:12])
    wanted = list(Feature.objects.exclude(stage__in=[Stage.GENERALLY_AVAILABLE, Stage.RETIRED,
                                                     Stage.DEPRECATED])
                  .annotate(n=Count("feedback_links")).order_by("-n", "pk")[:2])  # fmt: skip
    if len(contacts) < 4 or len(wanted) < 2:
        return
    start = (end - dt.timedelta(days=40)).date()
    with clock.travel(end - dt.timedelta(days=42)):
        study = services.study_create(
            actor=actor, title="Why the weekly review takes so long",
            goal="Learn how operations teams prepare their **weekly review**, and what they "
                 "would pay to stop doing by hand.",
            method="interview", status="done", product=wanted[0].product, starts_on=start,
            ends_on=start + dt.timedelta(days=21), participants=contacts[:4],
        )  # fmt: skip
    for n, contact in enumerate(contacts[:3]):
        _interview(rng, actor, study, contact, wanted, start + dt.timedelta(days=3 + 7 * n), n)
    with clock.travel(end - dt.timedelta(days=6)):
        test = services.study_create(
            actor=actor, title="Usability test: the board builder", method="usability",
            status="running", product=wanted[0].product,
            starts_on=(end - dt.timedelta(days=7)).date(),
            goal="Can a new customer build and share a board without help?",
            participants=contacts[4:9],
        )  # fmt: skip
        services.note_create(
            actor=actor, study=test, title="Five sessions, day one", body=USABILITY,
            taken_on=(end - dt.timedelta(days=5)).date(),
        )  # fmt: skip
    _personas(actor, end)
    _competitors(rng, actor, contacts, end)
    _release_follow_ups(actor, end)


def _interview(rng, actor, study, contact, features, day, n) -> None:
    body = INTERVIEW.format(name=contact.name or contact.email, company=contact.company.name,
                            feature_a=features[0].title, feature_b=features[1].title)  # fmt: skip
    with clock.travel(dt.datetime.combine(day, dt.time(15), tzinfo=dt.UTC)):
        note = services.note_create(
            actor=actor, study=study, participant=contact, body=body,
            title=f"Interview: {contact.company.name}", taken_on=day,
        )  # fmt: skip
        for quote, tags, feature in HIGHLIGHTS[: 2 + n % 2]:
            services.highlight_create(actor=actor, note=note, quote=quote, tags=tags,
                                      features=[features[feature]])  # fmt: skip


def _personas(actor, end) -> None:
    with clock.travel(end - dt.timedelta(days=20)):
        mid = Company.objects.filter(segment=Segment.MID_MARKET).order_by("-arr")[:3]
        services.persona_create(
            actor=actor, name="Operations lead", segments=[Segment.MID_MARKET],
            companies=list(mid),
            description="Runs the **weekly review**; owns the numbers but not the data. Wants "
                        "boards that are ready before the meeting and exports that never fail.",
        )  # fmt: skip
        big = Company.objects.filter(segment=Segment.ENTERPRISE).order_by("-arr")[:3]
        services.persona_create(
            actor=actor, name="Enterprise analyst", segments=[Segment.ENTERPRISE],
            companies=list(big),
            description="Builds the boards others read; cares about governance, permissions "
                        "and scheduled exports to finance.",
        )  # fmt: skip


def _competitors(rng, actor, contacts, end) -> None:
    for n, (name, website, aliases, notes) in enumerate(COMPETITORS):
        with clock.travel(end - dt.timedelta(days=30 - n)):
            services.competitor_create(actor=actor, name=name, website=website,
                                       aliases=aliases, notes=notes)  # fmt: skip
        for k, text in enumerate(MENTIONS[: 3 - n % 2]):
            said = (aliases or [name])[0] if k == 1 else name
            contact = rng.choice(contacts)
            when = end - dt.timedelta(days=rng.randint(2, 90), hours=rng.randint(0, 8))
            with clock.travel(when):
                feedback_create(actor=actor, text=text.format(name=said),
                                source=rng.choice([Source.SALES, Source.SUPPORT]),
                                external_id=f"research:mention-{n}-{k}",
                                contact_email=contact.email, received_at=when)  # fmt: skip


def _release_follow_ups(actor, end) -> None:
    """The next planned release measures what it ships: a CSAT two weeks after."""
    release = (Release.objects.filter(status=ReleaseStatus.PLANNED).exclude(features=None)
               .order_by("target_date", "pk").first())  # fmt: skip
    if release is None:
        return
    with clock.travel(end - dt.timedelta(days=1)):
        services.release_follow_ups_schedule(actor=actor, release=release, kind="csat", days=14)
