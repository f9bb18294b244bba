"""The standard playbooks Wavelength ships, and ``wavelength playbooks install``.

Installing is idempotent: a standard playbook is created once (its ``standard_key`` marks it)
and never touched again, so a playbook a workspace edited keeps its own versions.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from wavelength.accounts.models import Team
from wavelength.core import conditions

from .models import Playbook
from .services import StepSpec, playbook_create

PAGE_READ = "knowledge.page_read"


@dataclass(frozen=True)
class S:
    """A standard step: owner is a role, or ``team:<slug>``; ``after`` lists step numbers."""

    title: str
    owner: str
    due: int
    after: tuple[int, ...] = ()
    check: str = ""
    instructions: str = ""


STANDARD = {
    "release-readiness": (
        _("Release readiness"),
        _("What must be true before a release ships; require it on a release to gate it."),
        [
            S(
                "Freeze the scope",
                "team:product",
                0,
                instructions="Agree the features in the release; move the rest to the next one.",
            ),
            S(
                "Run the regression suite",
                "team:qa",
                5,
                (1,),
                "link",
                "Attach the link to the test run or CI job.",
            ),
            S("Fix or accept the open defects", "team:engineering", 8, (2,)),
            S(
                "Write the release notes",
                "team:product",
                7,
                (1,),
                instructions="Write the changelog entries on the release page.",
            ),
            S("Brief sales and support", "team:marketing", 9, (4,)),
            S(
                "Go / no-go approval",
                "starter",
                10,
                (3, 4, 5),
                "approval",
                "Someone other than the person who prepared it approves.",
            ),
            S("Check production after the release", "team:engineering", 12, (6,), "box"),
        ],
    ),
    "feature-launch": (
        _("Feature launch"),
        _("From beta to general availability: docs, enablement, announcement and measurement."),
        [
            S("Confirm the launch date and audience", "target_owner", 0),
            S("Write the help-centre article", "team:support", 5, (1,), "link"),
            S("Train sales and support", "team:product", 7, (2,)),
            S("Prepare the announcement", "team:marketing", 8, (1,)),
            S("Launch approval", "target_owner", 9, (2, 3, 4), "approval"),
            S("Tell the customers who asked", "team:product", 10, (5,)),
            S("Review adoption after 30 days", "target_owner", 40, (6,)),
        ],
    ),
    "onboarding": (
        _("New team member onboarding"),
        _("A new colleague's first weeks: accounts, people to meet, reading, a first task."),
        [
            S("Prepare accounts and equipment", "team:operations", 0),
            S("Welcome meeting", "manager", 0, (1,), "box"),
            S("Read the team handbook", "subject", 2, (2,), "box"),
            S("Meet the product, engineering and support leads", "subject", 5, (2,)),
            S(
                "Ship a first small task",
                "subject",
                10,
                (3,),
                "link",
                "Link to the change, page or ticket.",
            ),
            S("30-day check-in", "manager", 30, (4, 5), "approval"),
        ],
    ),
    "customer-onboarding": (
        _("Customer onboarding"),
        _("A new customer from signature to first value."),
        [
            S("Kick-off call", "target_owner", 1, instructions="Agree goals and success criteria."),
            S("Set up the workspace and single sign-on", "team:support", 5, (1,), "box"),
            S("Import their data", "team:support", 7, (2,), "link"),
            S("Train their administrators", "team:support", 10, (2,)),
            S("First-value review", "target_owner", 30, (3, 4), "approval"),
        ],
    ),
    "incident-review": (
        _("Incident review"),
        _("A blameless review after an incident, with actions that are followed through."),
        [
            S("Write the timeline", "starter", 1),
            S("Find the contributing causes", "team:engineering", 3, (1,)),
            S("Review meeting", "starter", 5, (2,), "box"),
            S("Publish the review", "starter", 6, (3,), "link"),
            S("Tell the affected customers", "team:support", 7, (3,)),
            S("Close the follow-up actions", "team:engineering", 30, (4,), "approval"),
        ],
    ),
}


def _spec(step: S, teams: dict[str, Team]) -> StepSpec:
    owner_kind, team = step.owner, None
    if step.owner.startswith("team:"):
        team = teams.get(step.owner.removeprefix("team:"))
        owner_kind = "team" if team else "starter"
    return StepSpec(
        title=step.title,
        instructions=step.instructions,
        owner_kind=owner_kind,
        owner_team=team,
        due_offset_days=step.due,
        depends_on=list(step.after),
        check_kind=step.check,
    )


def reading_steps(*, actor, after: int, limit: int = 3) -> list[StepSpec]:
    """Steps "Read …" checked by the knowledge app's ``page_read``, when it is installed."""
    condition = conditions.get_condition(PAGE_READ)
    if condition is None or condition.choices is None:
        return []
    choices = list(condition.choices(user=actor))
    onboarding = [c for c in choices if "onboard" in str(c[1]).lower()] or choices
    return [
        StepSpec(
            title=str(_("Read “%(page)s”") % {"page": label})[:200],
            owner_kind="subject",
            due_offset_days=3,
            depends_on=[after],
            check_kind="condition",
            condition_key=PAGE_READ,
            condition_params={"page": str(value)},
        )
        for value, label in onboarding[:limit]
    ]


@transaction.atomic
def install(*, actor=None) -> list[Playbook]:
    """Create each standard playbook that is not there yet; returns those created."""
    teams = {t.slug: t for t in Team.objects.all()}
    existing = set(Playbook.objects.exclude(standard_key="").values_list("standard_key", flat=True))
    created = []
    for key, (name, description, steps) in STANDARD.items():
        if key in existing or Playbook.objects.filter(name__iexact=str(name)).exists():
            continue
        specs = [_spec(s, teams) for s in steps]
        if key == "onboarding":
            specs += reading_steps(actor=actor, after=2)
        created.append(
            playbook_create(
                actor=actor,
                name=str(name),
                description=str(description),
                steps=specs,
                standard_key=key,
            )
        )
    return created
