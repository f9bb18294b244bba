"""The demo's conversations: threads with mentions on a few features, a knowledge page and a
defect, some follows and a preference or two, all made through the services at believable
times counted back from the story's end (so the demo tells the same story on any date)."""

import datetime as dt

from django.db import transaction

from wavelength.accounts.models import User
from wavelength.catalog.models import Feature
from wavelength.core import clock
from wavelength.knowledge.models import Page
from wavelength.quality.models import Defect

from . import services
from .models import Comment


def _who(key: str) -> User | None:
    """A demo person by the part of their e-mail before the @ (``maya.okafor``)."""
    return User.objects.filter(email__istartswith=f"{key}@").first()


def _at(now: dt.datetime, days_ago: float, hour: int, *, after: dt.datetime | None = None):
    when = (now - dt.timedelta(days=days_ago)).replace(hour=hour, minute=12, second=0)
    if after is not None:
        when = max(when, after + dt.timedelta(minutes=30))
    return min(when, now - dt.timedelta(minutes=5))


# (key of the author, days ago, hour, body); a body starting with "↳ " replies in the thread.
THREADS = {
    ("feature", "Row-level security for shared dashboards"): [
        [
            (
                "maya.okafor",
                9,
                10,
                "@sven.halvorsen are SSO groups enough to map the rules, or "
                "do we need custom attributes for the beta customers?",
            ),
            (
                "sven.halvorsen",
                9,
                14,
                "↳ Groups cover the three beta accounts. Custom attributes "
                "are in [[feature:SCIM user provisioning]]'s scope.",
            ),
            (
                "fatima.benali",
                8,
                9,
                "↳ @support will need a macro for *why can't I see this "
                "row?* tickets before general availability.",
            ),
        ],
        [
            (
                "kenji.watanabe",
                4,
                11,
                "The audit view still lists the policy of the *previous* "
                "rule after an edit. Filed it; @aisha.karimi can you take a look?",
            ),
            (
                "aisha.karimi",
                3,
                16,
                "↳ Fixed in the next build, the cache key ignored the rule version.",
            ),
        ],
    ],
    ("feature", "Dark mode"): [
        [
            (
                "marcus.reid",
                20,
                15,
                "Two prospects asked whether dark mode covers the embedded "
                "dashboards too. @elena.petrova do you know?",
            ),
            (
                "elena.petrova",
                19,
                10,
                "↳ It does, embedded views follow the host page's `prefers-color-scheme`.",
            ),
        ],
    ],
    ("feature", "Ask Lumen: questions in plain language"): [
        [
            (
                "olivia.grant",
                2,
                11,
                "For the launch post: can we quote the evaluation numbers? "
                "@product please confirm what is public.",
            ),
            (
                "demo",
                1,
                10,
                "↳ The accuracy figure from the beta blog post is public; keep the per-customer "
                "numbers out. @olivia.grant",
            ),
        ],
    ],
    ("page", "Pricing and discounts"): [  # a sales-only space: only sales and admins see it
        [
            (
                "grace.liu",
                6,
                10,
                "The enterprise discount ceiling moves to 25 % next quarter. "
                "@marcus.reid please update the deal desk template.",
            ),
        ],
    ],
    ("page", "Release procedure"): [
        [
            (
                "kenji.watanabe",
                12,
                9,
                "Step 4 should say the quality gate is checked *before* "
                "the changelog is drafted. @sven.halvorsen ok to change?",
            ),
            ("sven.halvorsen", 11, 13, "↳ Yes, go ahead."),
        ],
    ],
}

FOLLOWS = [("noah.fischer", "feature", "Dark mode"), ("grace.liu", "feature", "Dark mode")]
PREFERENCES = {
    "marcus.reid": {"mention": "in_app"},
    "grace.liu": {"comment": "off"},
    # Noah reads what he follows once a week, on Friday morning in Berlin.
    "noah.fischer": {
        "comment": "weekly",
        "change": "weekly",
        "shipped": "weekly",
        "edit": "weekly",
    },
}
DIGESTS = {"noah.fischer": {"hour": 9, "weekday": 4, "time_zone": "Europe/Berlin"}}


def _object(kind: str, title: str):
    model = {"feature": Feature, "page": Page}[kind]
    return model.objects.filter(title=title).order_by("pk").first()


def _thread(kind: str, obj, posts, now) -> None:
    parent = None
    after = obj.created_at
    for author, days, hour, body in posts:
        person = _who(author)
        if person is None:
            continue
        reply = body.startswith("↳ ")
        with clock.travel(_at(now, days, hour, after=after)), transaction.atomic():
            comment = services.comment_create(
                actor=person,
                kind=kind,
                object_id=obj.pk,
                body=body.removeprefix("↳ "),
                parent_id=parent.pk if (reply and parent) else None,
            )
        parent = parent if reply else comment
        after = comment.created_at


def _defect_thread(now) -> None:
    defect = Defect.objects.order_by("created_at", "pk").first()
    if defect is None:
        return
    _thread(
        "defect",
        defect,
        [
            (
                "fatima.benali",
                1,
                9,
                "Three more tickets this morning, all on the scheduled "
                "PDF path. @kenji.watanabe can QA reproduce on the release build?",
            ),
            (
                "kenji.watanabe",
                1,
                15,
                "↳ Reproduced: only with a time zone east of UTC. "
                "@engineering this blocks the next patch.",
            ),
        ],
        now,
    )


def _company_thread(now) -> None:
    from wavelength.feedback.models import Company

    company = Company.objects.order_by("-arr", "pk").first()
    if company is None:
        return
    _thread(
        "company",
        company,
        [
            (
                "fatima.benali",
                3,
                11,
                "Their renewal is next month and they asked twice about audit exports. "
                "@marcus.reid do you want support on the call?",
            ),
            ("marcus.reid", 3, 16, "↳ Yes please, Thursday. I will bring the roadmap view."),
        ],
        now,
    )


def build_conversations_demo(*, now: dt.datetime | None = None) -> dict:
    """Add the demo's threads unless there are comments already; returns what was made."""
    if Comment.objects.exists():
        return {"comments": Comment.objects.count()}
    now = now or clock.now()
    for (kind, title), threads in THREADS.items():
        obj = _object(kind, title)
        for posts in threads if obj is not None else []:
            _thread(kind, obj, posts, now)
    _defect_thread(now)
    _company_thread(now)
    with clock.travel(_at(now, 30, 9)), transaction.atomic():
        for key, kind, title in FOLLOWS:
            person, obj = _who(key), _object(kind, title)
            if person and obj:
                services.follow_create(actor=person, kind=kind, object_id=obj.pk)
        for key, channels in PREFERENCES.items():
            person = _who(key)
            if person:
                services.preferences_update(
                    actor=person, channels=channels, digest=DIGESTS.get(key)
                )
    return {"comments": Comment.objects.count()}
