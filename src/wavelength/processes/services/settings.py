"""What a product's releases and a release require, and what a team starts for its new members."""

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from wavelength.accounts import audit
from wavelength.accounts.models import AuditKind, Team, User
from wavelength.accounts.permissions import require_admin, require_editor
from wavelength.catalog.models import Product, Release
from wavelength.core import activity, clock, versioning
from wavelength.core.exceptions import DomainError

from ..models import (
    Playbook,
    ProductRequirement,
    ReleaseRequirement,
    Run,
    RunStatus,
    TeamOnboarding,
)
from ..selectors import (
    product_requirements_version,
    release_requirements_version,
    team_onboarding,
)
from .runs import run_start


def _replace_requirements(model, owner: dict, wanted: dict) -> list[str] | None:
    """Make ``model``'s requirement rows for ``owner`` (``{"release": …}`` or
    ``{"product": …}``) exactly the ``wanted`` playbooks. Returns the names it required
    before, or ``None`` when nothing changed."""
    rows = model.objects.filter(**owner)
    current = set(rows.values_list("playbook_id", flat=True))
    if current == set(wanted):
        return None
    rows.exclude(playbook_id__in=wanted).delete()
    model.objects.bulk_create(
        (model(**owner, playbook=p) for pk, p in wanted.items() if pk not in current),
        ignore_conflicts=True,
    )
    return sorted(Playbook.objects.filter(pk__in=current).values_list("name", flat=True))


@transaction.atomic
def release_playbooks_require(
    *, actor, release, playbooks: Iterable[Playbook], if_version: str | None = None
) -> list[Playbook]:
    """Set the playbooks whose runs must be complete before ``release`` ships. ``if_version``
    (the version of the set the change replaces) refuses a stale change."""
    require_editor(actor)
    # The release's row is the lock: two changes of its requirements take turns.
    release = Release.objects.select_for_update().select_related("product").get(pk=release.pk)
    versioning.check_version(release_requirements_version(release=release), if_version)
    if release.status == "released":
        raise DomainError(_("A shipped release keeps its requirements."), field="playbooks")
    wanted = {p.pk: p for p in playbooks}
    old = _replace_requirements(ReleaseRequirement, {"release": release}, wanted)
    if old is not None:
        activity.record(
            actor=actor,
            verb="updated",
            target=release,
            scope=release.product.scope,
            changes={"required_playbooks": [old, sorted(p.name for p in wanted.values())]},
        )
    return list(wanted.values())


@transaction.atomic
def product_playbooks_require(
    *, actor, product, playbooks: Iterable[Playbook], if_version: str | None = None
) -> list[Playbook]:
    """Set the playbooks whose runs every release of ``product`` must complete before it ships.

    The same people who set a release's requirements (editors) set its product's; the change
    goes into the product's history. A playbook that does not exist, or has no steps (no
    release could complete its run), is refused and nothing changes; so is a change whose
    ``if_version`` is not the version of the set it replaces."""
    require_editor(actor)
    product = Product.objects.select_for_update().get(pk=product.pk)
    versioning.check_version(product_requirements_version(product=product), if_version)
    wanted = {p.pk: p for p in playbooks}
    steps = dict(
        Playbook.objects.filter(pk__in=[pk for pk in wanted if pk is not None]).values_list(
            "pk", "current_version_id"
        )
    )
    for pk, playbook in wanted.items():
        if pk not in steps:
            raise DomainError(
                _("There is no playbook “%(playbook)s”.") % {"playbook": playbook},
                field="playbooks",
            )
        if steps[pk] is None:
            raise DomainError(
                _("“%(playbook)s” has no steps yet, so no release could complete its run.")
                % {"playbook": playbook},
                field="playbooks",
            )
    chosen = sorted(wanted.values(), key=lambda p: p.name)
    old = _replace_requirements(ProductRequirement, {"product": product}, wanted)
    if old is not None:
        activity.record(
            actor=actor,
            verb="updated",
            target=product,
            scope=product.scope,
            changes={"release_playbooks": [old, [p.name for p in chosen]]},
        )
    return chosen


@transaction.atomic
def team_onboarding_set(
    *, actor, team: Team, playbook: Playbook | None, if_version: str | None = None
) -> TeamOnboarding:
    """Choose the playbook started for each new member of ``team`` (``None``: off).
    ``if_version`` refuses a stale change (a team never set has the version of "off")."""
    if actor is not None:
        require_admin(actor)
    setting, _created = TeamOnboarding.objects.select_for_update().get_or_create(team=team)
    versioning.check(setting, if_version)
    before = setting.playbook.name if setting.playbook else None
    if setting.playbook_id != (playbook.pk if playbook else None):
        setting.playbook, setting.updated_at = playbook, clock.now()
        setting.save(update_fields=["playbook", "updated_at"])
        activity.record(
            actor=actor,
            verb="updated",
            target=team,
            changes={"onboarding_playbook": [before, playbook.name if playbook else None]},
        )
        audit.record(
            AuditKind.SETTINGS_CHANGED,
            actor=actor,
            target=f"onboarding of {team.name}",
            onboarding_playbook=[before, playbook.name if playbook else None],
        )
    return setting


def onboarding_start_for_member(*, actor, team: Team, user: User) -> Run | None:
    """Start ``team``'s onboarding for its new member, once (``None`` when off or started)."""
    playbook = team_onboarding(team=team)
    if playbook is None or not user.is_active:
        return None
    started = Run.objects.filter(playbook=playbook, subject=user).exclude(
        status=RunStatus.CANCELLED
    )
    if started.exists():
        return None
    # The admin who added the person starts it; the run belongs to the new member.
    return run_start(
        actor=actor if actor is not None and actor.can_edit else None,
        playbook=playbook,
        target=user,
        subject=user,
        title=_("%(playbook)s: %(person)s") % {"playbook": playbook.name, "person": user},
    )
