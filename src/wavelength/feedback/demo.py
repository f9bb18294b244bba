"""Customers and feedback for the demo company: about 200 companies, their contacts and
1,500 feedback items in English and French from every channel (written by ``demo_text``:
varied wording about the features' topics), triaged and linked to the demo features.
Everything goes through the services; the catalog demo runs :func:`build_feedback_demo` once,
after it built the catalog (registered from ``FeedbackConfig.ready()``), and the apps built on
feedback add their steps to it.
"""

import datetime as dt
import random
import re
from collections.abc import Callable
from decimal import Decimal

from django.db import transaction
from django.utils.text import slugify

from wavelength.accounts.models import User
from wavelength.catalog.models import Feature
from wavelength.core import clock

from . import services, triage
from .demo_text import write_feedback
from .models import Company, Feedback, Segment, Source, Status
from .services import demand

COMPANIES = 200
ITEMS = 1500

_FIRST = [
    "Acme",
    "Northbeam",
    "Bluefin",
    "Copperleaf",
    "Harbor",
    "Quantix",
    "Solace",
    "Pinecrest",
    "Meridian",
    "Atlas",
    "Brightwater",
    "Cedar",
    "Driftwood",
    "Ember",
    "Falcon",
    "Granite",
    "Helix",
    "Ironbark",
    "Juniper",
    "Kestrel",
    "Lumière",
    "Mistral",
    "Nimbus",
    "Oakridge",
    "Polaris",
    "Quartz",
    "Riverside",
    "Sequoia",
    "Tidal",
    "Umber",
    "Vantage",
    "Willow",
    "Zephyr",
    "Alpine",
    "Beacon",
    "Cobalt",
    "Delta",
    "Evergreen",
    "Fjord",
    "Garnet",
]
_SECOND = [
    "Logistics",
    "Health",
    "Retail",
    "Energy",
    "Bank",
    "Telecom",
    "Foods",
    "Studio",
    "Labs",
    "Systems",
    "Partners",
    "Mobility",
    "Insurance",
    "Analytics",
    "Group",
]
_GIVEN = [
    "Anna",
    "Ben",
    "Chloé",
    "David",
    "Emma",
    "Felix",
    "Gabriel",
    "Hugo",
    "Inès",
    "Jack",
    "Léa",
    "Louis",
    "Manon",
    "Nina",
    "Omar",
    "Paul",
    "Rose",
    "Sam",
    "Théo",
    "Zoé",
]
_FAMILY = [
    "Martin",
    "Bernard",
    "Dubois",
    "Smith",
    "Johnson",
    "Brown",
    "Garcia",
    "Müller",
    "Rossi",
    "Nguyen",
    "Kowalski",
    "Silva",
    "Laurent",
    "Evans",
    "Moreau",
]
_ARR = {
    Segment.ENTERPRISE: (150_000, 900_000),
    Segment.MID_MARKET: (40_000, 150_000),
    Segment.SMB: (5_000, 40_000),
    Segment.STARTUP: (1_000, 15_000),
}
_PLANS = {
    Segment.ENTERPRISE: "Enterprise",
    Segment.MID_MARKET: "Scale",
    Segment.SMB: "Team",
    Segment.STARTUP: "Starter",
}
THEMES = [
    "Reporting",
    "Performance",
    "Integrations",
    "Mobile",
    "Permissions",
    "Billing",
    "Onboarding",
    "Notifications",
]

_CHANNEL_WEIGHTS = [
    (Source.SUPPORT, 30),
    (Source.EMAIL, 15),
    (Source.SALES, 15),
    (Source.WEB, 10),
    (Source.PORTAL, 10),
    (Source.SURVEY, 8),
    (Source.APP_STORE, 6),
    (Source.CSV, 4),
    (Source.API, 2),
]
_EXTERNAL = {Source.SUPPORT: "ZD", Source.APP_STORE: "AS", Source.CSV: "CSV", Source.API: "API"}


# The apps above this one add their part of the demo (the portal's votes, prioritisation's
# estimates, the outreach's drafts) inside the same transaction and random stream, after
# triage, in ``order``.
_steps: dict[int, Callable[..., object]] = {}


def register_demo_step(order: int, step: Callable[..., object]) -> None:
    """Run ``step(rng=, actor=, contacts=, features=)`` in the feedback demo; ``contacts`` are
    ``(e-mail, company)`` pairs. Registered from an app's ``AppConfig.ready()``, each app on
    its own ``order``."""
    if _steps.get(order, step) is not step:
        raise ValueError(f"Demo step {order} is taken by {_steps[order].__module__}.")
    _steps[order] = step


def build_feedback_demo(*, seed: int = 7, now: dt.datetime | None = None) -> dict:
    """Add the demo's customers and feedback unless there are customers already."""
    if Company.objects.exists():
        return {"created": False}
    rng = random.Random(seed)
    now = now or clock.now()
    actor = User.objects.filter(role="admin", is_active=True).order_by("pk").first()
    features = list(Feature.objects.select_related("product", "area").order_by("pk"))
    with clock.travel(now), transaction.atomic(), demand.deferred():
        themes = {name: services.theme_create(actor=actor, name=name) for name in THEMES}
        companies = _companies(rng, actor)
        contacts = _contacts(rng, actor, companies)
        items = _feedback(rng, actor, contacts, features, themes, now)
        _triage(rng, actor, items, features)
        # The portal's votes, the estimates, close-the-loop drafts for what already shipped.
        for _order, step in sorted(_steps.items()):
            step(rng=rng, actor=actor, contacts=contacts, features=features)
        # The types and sentiments set above are the workspace's decisions: learn from them.
        model = triage.retrain()
    return {
        "created": True,
        "companies": len(companies),
        "feedback": len(items),
        "triage_examples": model.examples,
    }


def _companies(rng, actor) -> list[Company]:
    owners = list(User.objects.filter(is_active=True).order_by("pk"))
    names = sorted({f"{a} {b}" for a in _FIRST for b in _SECOND})
    rng.shuffle(names)
    segments = rng.choices(list(_ARR), weights=[2, 3, 4, 2], k=COMPANIES)
    out = []
    for name, segment in zip(names[:COMPANIES], segments, strict=True):
        low, high = _ARR[segment]
        tld = "fr" if rng.random() < 0.3 else "com"
        out.append(
            services.company_create(
                actor=actor,
                name=name,
                domains=[f"{slugify(name)}.{tld}"],
                segment=segment,
                plan=_PLANS[segment],
                arr=Decimal(rng.randrange(low, high, 500)),
                owner=rng.choice(owners),
                health=rng.choices(["good", "at_risk", "poor"], weights=[7, 2, 1])[0],
            )
        )
    return out


def _contacts(rng, actor, companies) -> list[tuple[str, Company]]:
    out = []
    for company in companies:
        domain = company.domains[0]
        people = rng.sample([(g, f) for g in _GIVEN for f in _FAMILY], rng.randint(1, 3))
        for given, family in people:
            email = f"{slugify(given)}.{slugify(family)}@{domain}"
            services.contact_create(
                actor=actor, email=email, name=f"{given} {family}", company=company
            )
            out.append((email, company))
    return out


def _feedback(rng, actor, contacts, features, themes, now) -> list[Feedback]:
    sources, weights = zip(*_CHANNEL_WEIGHTS, strict=True)
    # Bigger customers talk more; a few features are asked for far more than the others.
    contact_weights = [1 + float(company.arr) / 100_000 for _email, company in contacts]
    feature_weights = [1 / (1 + i % 17) for i in range(len(features))]
    items, counters = [], dict.fromkeys(_EXTERNAL, 1000)
    for _n in range(ITEMS):
        email, _company = rng.choices(contacts, weights=contact_weights)[0]
        feature = rng.choices(features, weights=feature_weights)[0]
        french_text = rng.random() < 0.3
        written = write_feedback(
            rng, title=feature.title, area=feature.area.name if feature.area else "",
            french=french_text,
        )  # fmt: skip
        source = rng.choices(sources, weights=weights)[0]
        external = ""
        if source in _EXTERNAL:
            counters[source] += 1
            external = f"{_EXTERNAL[source]}-{counters[source]}"
        items.append(
            {
                "title": feature.title if rng.random() < 0.5 else "",
                "text": written.text,
                "source": source,
                "contact_email": email,
                "received_at": now - dt.timedelta(days=rng.uniform(0, 365) ** 1.1 / 1.8),
                "language": "fr" if french_text else "en",
                "type": written.type if rng.random() < 0.8 else "",
                "sentiment": written.sentiment if rng.random() < 0.8 else "",
                # People file an item under the theme it is about, when they file it at all.
                "theme": themes[written.topic].pk if rng.random() < 0.6 else None,
                "tags": rng.sample(["enterprise", "renewal", "churn-risk", "mobile", "api"], 1)
                if rng.random() < 0.3
                else [],
                "external_id": external,
                "_feature": feature.pk,
            }
        )
    created = []
    for start in range(0, len(items), 500):
        batch = items[start : start + 500]
        rows = [{k: v for k, v in i.items() if k != "_feature"} for i in batch]
        created += services.feedback_bulk_create(actor=actor, items=rows)["created"]
    for fb, item in zip(created, items, strict=True):
        fb.demo_feature = item["_feature"]
    return created


def _triage(rng, actor, items, features) -> None:
    """Link about half the items (often with the sentence that asks as the quote), triage or
    archive some of the rest and leave the newest untouched in the inbox."""
    by_pk = {f.pk: f for f in features}
    importances = ["nice_to_have", "important", "critical"]
    for fb in items:
        roll = rng.random()
        if roll < 0.55:
            feature = by_pk[fb.demo_feature]
            asking = _sentence_naming(fb.text, feature.title)
            quote = asking if rng.random() < 0.6 else ""
            services.feedback_link(
                actor=actor,
                feedback=fb,
                feature=feature,
                importance=rng.choices(importances, weights=[3, 5, 2])[0],
                quote=quote,
            )
        elif roll < 0.75:
            services.feedback_update(actor=actor, feedback=fb, status=Status.TRIAGED)
        elif roll < 0.8:
            services.feedback_update(actor=actor, feedback=fb, status=Status.ARCHIVED)


def _sentence_naming(text: str, title: str) -> str:
    """The sentence of ``text`` that names the feature (the one worth quoting)."""
    for sentence in re.split(r"(?<=[.?!])\s+", text):
        if title.lower() in sentence:
            return sentence
    return ""
