"""The demo's surveys: a quarterly NPS sent by e-mail over the past year (four waves, with
answers coming in over the following weeks, and a public link answered now and
then), and a CSAT sent to the customers who asked for a feature two weeks after it shipped.
Dates count back from the story's end, so the story is the same on any date; everything goes
through the services, each step at its own time (clock.travel)."""

import datetime as dt
import random

from django.core.mail import get_connection
from django.db import transaction
from django.db.models import Count

from wavelength.accounts.models import User
from wavelength.catalog.models import Feature, Stage
from wavelength.core import clock
from wavelength.feedback.models import Contact, Segment

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
    return {"created": True}
