"""The demo's processes: the standard playbooks, team onboarding, managers, release readiness
required of every release of the upcoming release's product, and a few runs in flight (release
readiness on the upcoming release, an onboarding, a launch, an incident review).
"""

import datetime as dt

from django.apps import apps
from django.db import transaction

from wavelength.accounts import services as accounts
from wavelength.accounts.models import Membership, Team, User
from wavelength.catalog.models import Feature, Release
from wavelength.core import clock

from . import services, standard
from .models import FINISHED, Playbook, Run

ONBOARDING_TEAMS = ("engineering", "product", "support")
NEWCOMER = ("nina.newcomer@example.com", "Nina Newcomer")


def _complete(actor, run: Run, count: int) -> None:
    """Complete the first ``count`` steps in order, as their owners would."""
    for step in run.steps.order_by("position")[:count]:
        if step.status in FINISHED:
            continue
        worker = step.assignee or actor
        services.runstep_complete(
            actor=worker if worker.can_edit or worker == run.subject else actor,
            step=step,
            note="Done.",
            evidence_url="https://ci.example.com/jobs/1842"
            if step.step.check_kind == "link"
            else "",
        )
        step.refresh_from_db()
        if step.status == "awaiting_approval":
            approver = User.objects.filter(role="admin").exclude(pk=step.completed_by_id).first()
            if approver:
                services.runstep_approve(actor=approver, step=step)


def _managers(actor) -> None:
    """Each team's first member manages the others (a person has one manager)."""
    managed = set()
    for team in Team.objects.order_by("name"):
        members = [m.user for m in Membership.objects.filter(team=team).select_related("user")
                   .order_by("joined_at", "id")]  # fmt: skip
        if len(members) < 2:
            continue
        lead = members[0]
        for person in members[1:]:
            if person.pk in managed or person.pk == lead.pk or lead.manager_id == person.pk:
                continue
            accounts.user_set_manager(actor=actor, user=person, manager=lead)
            managed.add(person.pk)


def build_processes_demo(*, now: dt.datetime | None = None) -> dict:
    """Add the demo's playbooks and runs unless playbooks exist already."""
    if Playbook.objects.exists():
        return {"created": False}
    now = now or clock.now()
    today = now.date()
    actor = User.objects.filter(role="admin", is_active=True).order_by("pk").first()
    with clock.travel(now), transaction.atomic():
        standard.install(actor=actor)
        playbooks = {p.standard_key: p for p in Playbook.objects.all()}
        for slug in ONBOARDING_TEAMS:
            team = Team.objects.filter(slug=slug).first()
            if team:
                services.team_onboarding_set(
                    actor=actor, team=team, playbook=playbooks["onboarding"]
                )
        _managers(actor)

        upcoming = (
            Release.objects.exclude(status__in=["released", "cancelled"])
            .select_related("product")
            .order_by("target_date", "id")
            .first()
        )
        if upcoming is not None:
            # Every release of its product requires release readiness (set on the product page).
            services.product_playbooks_require(
                actor=actor, product=upcoming.product, playbooks=[playbooks["release-readiness"]]
            )
            run = services.run_start(
                actor=actor,
                playbook=playbooks["release-readiness"],
                target=upcoming,
                started_on=today - dt.timedelta(days=8),
            )
            _complete(actor, run, 2)  # the rest is due soon; one step is overdue

        team = Team.objects.filter(slug="engineering").first() or Team.objects.first()
        newcomer = User.objects.filter(email=NEWCOMER[0]).first() or accounts.user_create(
            actor=actor, email=NEWCOMER[0], password=None, name=NEWCOMER[1], role="viewer"
        )
        # The demo's own user manages the newcomer, so "My team's onboarding" shows the run.
        accounts.user_set_manager(actor=actor, user=newcomer, manager=actor)
        with clock.travel(now - dt.timedelta(days=3)):
            accounts.membership_add(actor=actor, team=team, user=newcomer)
            # The receiver starts it once this commits; the demo starts it now, which is the same.
            onboarding = services.onboarding_start_for_member(actor=actor, team=team, user=newcomer)
        if onboarding is not None:
            Run.objects.filter(pk=onboarding.pk).update(started_on=today - dt.timedelta(days=3))
            _complete(actor, onboarding, 2)

        beta = Feature.objects.filter(stage="beta").order_by("id").first()
        if beta is not None:
            launch = services.run_start(
                actor=actor,
                playbook=playbooks["feature-launch"],
                target=beta,
                started_on=today - dt.timedelta(days=4),
            )
            _complete(actor, launch, 1)

        target = None
        if apps.is_installed("wavelength.feedback"):
            target = apps.get_model("feedback", "Company").objects.order_by("-arr", "id").first()
        incident = services.run_start(
            actor=actor,
            playbook=playbooks["incident-review"],
            target=target,
            started_on=today - dt.timedelta(days=12),
            title="Incident review: dashboard outage",
        )
        _complete(actor, incident, 3)
    return {"created": True, "playbooks": len(playbooks), "runs": Run.objects.count()}
