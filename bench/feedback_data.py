"""Customers and feedback for the benchmark data set, in bulk (see ``bench/data.py``)."""

import random
from datetime import datetime, timedelta
from decimal import Decimal

from wavelength.feedback.models import (
    Company,
    Contact,
    Feedback,
    FeedbackLink,
    FeedbackType,
    Health,
    Importance,
    Segment,
    Sentiment,
    Source,
    Status,
)
from wavelength.feedback.services import demand
from wavelength.portal.models import PortalIdea, PortalVote, mailbox_of

BATCH = 5_000
SENTENCES = [
    "The {w} page crashes when I open it",
    "Please add {w} to the {v} screen",
    "We need a faster {w} for our team",
    "Could you support {w} with {v}?",
    "Le {w} ne marche plus depuis la mise à jour",
    "Merci d'ajouter {w} dans {v}",
    "Love the new {w}, it saves us hours",
    "Why is {w} so slow on large accounts?",
]


def make_feedback(scale, rng: random.Random, now: datetime, features: list[tuple]) -> None:
    """``scale.companies`` companies with 1–3 contacts and ``scale.feedback`` items, about half
    of them linked to a feature (a few features are asked for far more than the others), and
    portal votes (one for every five items) on the ideas of one feature in ten."""
    from .data import WORDS

    segments = list(Segment.values)
    Company.objects.bulk_create(
        (
            Company(
                name=f"Company {i:05d}",
                domains=[f"company{i}.example"],
                segment=rng.choice(segments),
                arr=Decimal(rng.randrange(1_000, 500_000, 500)),
                health=rng.choices(Health.values, weights=[7, 2, 1])[0],
            )
            for i in range(scale.companies)
        ),
        batch_size=BATCH,
    )
    company_ids = list(Company.objects.order_by("id").values_list("id", flat=True))
    Contact.objects.bulk_create(
        (
            Contact(company_id=c, name=f"Contact {c}-{n}", email=f"c{n}@company{i}.example")
            for i, c in enumerate(company_ids)
            for n in range(rng.randint(1, 3))
        ),
        batch_size=BATCH,
    )
    contacts = list(Contact.objects.values_list("id", "company_id"))
    weights = [1 / (1 + i % 50) for i in range(len(features))]
    for start in range(0, scale.feedback, BATCH):
        count = min(BATCH, scale.feedback - start)
        rows = []
        for _ in range(count):
            contact, company = rng.choice(contacts)
            words = rng.sample(WORDS, 2)
            rows.append(
                Feedback(
                    text=rng.choice(SENTENCES).format(w=words[0], v=words[1]),
                    source=rng.choice(Source.values),
                    contact_id=contact,
                    company_id=company,
                    received_at=now - timedelta(days=rng.uniform(0, 365)),
                    language=rng.choice(["en", "en", "en", "fr"]),
                    type=rng.choice(FeedbackType.values),
                    sentiment=rng.choice(Sentiment.values),
                    status=rng.choices(Status.values, weights=[3, 2, 4, 1])[0],
                )
            )
        created = Feedback.objects.bulk_create(rows, batch_size=BATCH)
        FeedbackLink.objects.bulk_create(
            (
                FeedbackLink(
                    feedback_id=fb.pk,
                    feature_id=rng.choices(features, weights)[0][0],
                    importance=rng.choice(Importance.values),
                )
                for fb in created
                if rng.random() < 0.5
            ),
            batch_size=BATCH,
        )
    make_votes(scale, rng, now, features, contacts)
    demand.rebuild()  # rows inserted in bulk send no signal


def make_votes(scale, rng, now, features, contacts) -> None:
    """One feature in ten opened to the portal; ``scale.feedback // 5`` counted votes on them,
    the most asked-for features voted for most, one vote per contact and idea."""
    opened = features[::10]
    PortalIdea.objects.bulk_create(
        (PortalIdea(feature_id=f[0], title=f[2][:200], created_at=now) for f in opened),
        batch_size=BATCH,
    )
    ideas = list(PortalIdea.objects.order_by("id").values_list("id", flat=True))
    weights = [1 / (1 + i % 20) for i in range(len(ideas))]
    pairs: set[tuple[int, int]] = set()
    wanted = scale.feedback // 5
    while len(pairs) < wanted:
        for idea in rng.choices(ideas, weights, k=wanted - len(pairs)):
            pairs.add((idea, rng.choice(contacts)[0]))
    mailboxes = dict(Contact.objects.values_list("id", "email"))
    PortalVote.objects.bulk_create(
        (
            PortalVote(
                idea_id=idea,
                contact_id=contact,
                mailbox=mailbox_of(mailboxes[contact]),
                verified_at=now - timedelta(days=rng.uniform(0, 365)),
            )
            for idea, contact in pairs
        ),
        batch_size=BATCH,
    )
