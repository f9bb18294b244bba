"""The demo's knowledge base: policies, procedures, requirements linked to the demo's features,
onboarding pages, several versions, an approval, a stale page and a space only sales can see.

Everything goes through the services, so pages have versions, links and history like any other.
"""

import datetime as dt

from django.db import transaction

from wavelength.accounts.models import Team, User
from wavelength.catalog.models import Feature, Release, ReleaseStatus
from wavelength.core import clock
from wavelength.core.models import Activity

from . import services
from .models import Page, PageStatus, Space, SpaceVisibility

SECURITY = """All company data is classified as **public**, **internal** or **confidential**.

## Rules

1. Use the company password manager; never reuse a password.
2. Turn on two-factor authentication everywhere it is offered.
3. Report a lost laptop or phone to IT within one hour.

| Data | Where it may live |
|------|-------------------|
| Public | Anywhere |
| Internal | Company drive, Wavelength |
| Confidential | Encrypted storage only |

See [[Data retention policy]] for how long we keep things.
"""

RETENTION = """We keep customer data only as long as we need it.

- Feedback and votes: while the account is active, then 12 months.
- Support tickets: 3 years.
- Backups: 35 days, encrypted.

Deletion requests are handled within 30 days (see [[Incident response]] if data leaked).
"""

SUPPORT = """## Response times

| Plan | First response | Resolution target |
|------|----------------|-------------------|
| Starter | 1 business day | 5 business days |
| Business | 4 hours | 2 business days |
| Enterprise | 1 hour | 1 business day |

Escalate anything over target to the support lead.
"""

INCIDENT = """## When to declare an incident

Customers cannot sign in, data is wrong or lost, or a security alert fires.

## Steps

- [ ] Open the #incident channel and name an incident lead
- [ ] Post a status page update within 15 minutes
- [ ] Fix, or roll back with the [[Release procedure]]
- [ ] Write the incident review within 5 days

```
wavelength serve --port 8000   # the staging check after a rollback
```
"""

RELEASE = """Every release follows these steps; the [[Hotfix checklist]] is the short version.

1. Freeze the branch two days before the target date.
2. QA signs off the test plan.
3. Update the release notes.
4. Ship, then watch the error rate for one hour.
"""

HOTFIX = """- [x] Reproduce the bug on staging
- [ ] Write the fix with a test
- [ ] Second review by an engineer on call
- [ ] Ship and tell support
"""

WELCOME = """Welcome! This space is what you read in your first weeks.

1. [[Your first week]]
2. [[Tools and accounts]]
3. [[Information security policy]] — please mark it read.
"""

FIRST_WEEK = """- [ ] Meet your manager and your onboarding buddy
- [ ] Read the [[Information security policy]]
- [ ] Shadow a customer call
- [ ] Ship something small
"""

TOOLS = """| Tool | What for | Ask |
|------|----------|-----|
| Wavelength | Products, feedback, docs | Your manager |
| Password manager | Every password | IT |
| Chat | Everyday talk | IT |
"""

PRICING = """Discounts above 20% need the sales lead's approval; above 35%, the CFO's.

Multi-year deals get 10% per extra year, at most 20%.
"""


def _prd(feature: Feature) -> str:
    return f"""## Problem

Customers of [[product:{feature.product.name}]] asked for this repeatedly.

## Goals

- [ ] Adoption by 30% of active accounts within a quarter

## Scope

[[feature:{feature.title}]] — {feature.description.splitlines()[0] if feature.description else ""}

| # | Requirement | Priority |
|---|-------------|----------|
| 1 | Works on web and mobile | Must |
| 2 | Admins can turn it off | Should |
"""


def build_knowledge_demo(*, now: dt.datetime | None = None) -> dict:
    """Add the demo's pages unless the knowledge base has pages already."""
    if Page.objects.exists():
        return {"created": False}
    now = now or clock.now()
    people = {u.email.split("@")[0].split(".")[0]: u for u in User.objects.filter(is_active=True)}
    admin = User.objects.filter(role="admin", is_active=True).order_by("pk").first()
    if admin is None:
        return {"created": False}

    def who(name):
        return people.get(name, admin)

    with clock.travel(now - dt.timedelta(days=150)), transaction.atomic():
        spaces = {s.slug: s for s in Space.objects.all()}
        policies, procedures = spaces["policies"], spaces["procedures"]
        product, onboarding = spaces["product"], spaces["onboarding"]
        policies.approvers.set([who("maya")])
        for space in spaces.values():
            space.owners.add(admin)
        security = services.page_create(
            actor=who("sven"), space=policies, title="Information security policy", body=SECURITY
        )
        retention = services.page_create(
            actor=who("maya"), space=policies, title="Data retention policy", body=RETENTION
        )
        support = services.page_create(
            actor=who("fatima"),
            space=policies,
            title="Support response commitments",
            body=SUPPORT,
            review_interval_days=90,
        )
        release_page = services.page_create(
            actor=who("sven"), space=procedures, title="Release procedure", body=RELEASE
        )
        services.page_create(
            actor=who("aisha"),
            space=procedures,
            title="Hotfix checklist",
            body=HOTFIX,
            parent=release_page,
        )
        incident = services.page_create(
            actor=who("aisha"), space=procedures, title="Incident response", body=INCIDENT
        )
        welcome = services.page_create(
            actor=admin, space=onboarding, title="Welcome to the team", body=WELCOME
        )
        for title, body in (("Your first week", FIRST_WEEK), ("Tools and accounts", TOOLS)):
            services.page_create(
                actor=admin, space=onboarding, title=title, body=body, parent=welcome
            )
        sales = Team.objects.filter(slug="sales").first()
        deals = services.space_create(
            actor=admin,
            name="Sales playbook",
            description="Pricing and deal desk rules, for the sales team only.",
            visibility=SpaceVisibility.TEAMS if sales else SpaceVisibility.EVERYONE,
            teams=[sales] if sales else [],
        )
        services.page_create(
            actor=who("marcus") if who("marcus").can_edit else admin,
            space=deals,
            title="Pricing and discounts",
            body=PRICING,
        )
        features = _prd_features(since=now - dt.timedelta(days=150))
        prds = [
            services.page_create(
                actor=feature.owner if feature.owner and feature.owner.can_edit else admin,
                space=product,
                title=f"PRD: {feature.title}",
                body=_prd(feature),
            )
            for feature in features
        ]
        shipped = Release.objects.filter(status=ReleaseStatus.RELEASED).select_related("product")
        notes = []
        for release in shipped.order_by("-released_on")[:2]:
            body = f"## Highlights\n\n[[release:{release.product.name} {release.version}]]\n\n"
            body += "".join(f"- [[feature:{f.title}]]\n" for f in release.features.all()[:5])
            notes.append(
                services.page_create(
                    actor=admin, space=product, title=f"Release notes {release}", body=body
                )
            )

    # Later edits: several versions, by different people.
    with clock.travel(now - dt.timedelta(days=100)), transaction.atomic():
        _edit(
            who("aisha"),
            incident,
            "\n## Contacts\n\nOn-call engineer, then the engineering manager.\n",
        )
        _edit(
            who("sven"), incident, "\n## After the incident\n\nShare the review in the all-hands.\n"
        )
        _edit(
            who("maya"), retention, "\nBackups of deleted accounts expire with the backup cycle.\n"
        )
        _edit(who("sven"), security, "4. Lock your screen when you leave your desk.\n")
        for page in (security, retention, incident, release_page, welcome, *notes):
            page.refresh_from_db()
            if page.space_id == policies.pk:
                services.page_set_status(actor=page.owner, page=page, status=PageStatus.IN_REVIEW)
                services.page_approve(actor=who("maya"), page=page, version=page.version)
            else:
                services.page_set_status(actor=admin, page=page, status=PageStatus.PUBLISHED)
        for page in Page.objects.filter(space=onboarding).exclude(status=PageStatus.PUBLISHED):
            services.page_set_status(actor=admin, page=page, status=PageStatus.PUBLISHED)
        for name in ("diego", "hannah", "olivia", "kenji"):
            services.page_mark_read(actor=who(name), page=Page.objects.get(pk=security.pk))

    with clock.travel(now - dt.timedelta(days=20)), transaction.atomic():
        if prds:
            services.page_set_status(actor=prds[0].owner, page=prds[0], status=PageStatus.PUBLISHED)
            services.page_set_status(
                actor=prds[-1].owner, page=prds[-1], status=PageStatus.IN_REVIEW
            )
        support.refresh_from_db()
        services.page_set_status(actor=support.owner, page=support, status=PageStatus.IN_REVIEW)
        services.page_approve(actor=who("maya"), page=support, version=support.version)

    # The support commitments are overdue for review; a PRD is outdated by its feature moving on.
    Page.objects.filter(pk=support.pk).update(review_due_on=now.date() - dt.timedelta(days=9))
    if prds:
        moved = (
            Activity.objects.filter(verb="stage_changed", target_id=features[0].pk)
            .filter(target_type__model="feature")
            .order_by("-created_at")
            .first()
        )
        if moved:
            services.pages_mark_stale_for_activity(activity_id=moved.pk)
    return {"created": True, "pages": Page.objects.count(), "spaces": Space.objects.count()}


def _prd_features(*, since: dt.datetime) -> list[Feature]:
    """Four features with a PRD, the first of which moved stage after its PRD was written
    (so the demo always shows a page outdated by its feature, whatever the date)."""
    features = Feature.objects.select_related("product").exclude(stage="retired").order_by("pk")
    moved = Activity.objects.filter(
        verb="stage_changed", target_type__model="feature", created_at__gt=since
    ).values("target_id")
    first = list(features.filter(pk__in=moved)[:1])
    return first + list(features.exclude(pk__in=[f.pk for f in first])[: 4 - len(first)])


def _edit(actor, page: Page, extra: str) -> Page:
    page.refresh_from_db()
    return services.page_update(
        actor=actor,
        page=page,
        base_version=page.version,
        title=page.title,
        body=page.body.rstrip("\n") + "\n" + extra,
    )
