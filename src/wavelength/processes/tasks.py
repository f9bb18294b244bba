"""Background jobs of the processes app (in-process without a broker)."""

from celery import shared_task


@shared_task(name="wavelength.processes.start_onboarding")
def start_onboarding(activity_id: int) -> int | None:
    """Start the team's onboarding for the person a ``member_added`` activity names; returns
    the run's id, or ``None`` when the team has none or the person already has one."""
    from wavelength.accounts.models import Team, User
    from wavelength.core.models import Activity

    from .services import onboarding_start_for_member

    row = Activity.objects.select_related("actor").filter(pk=activity_id).first()
    if row is None:
        return None
    team = Team.objects.filter(pk=row.target_id).first()
    user = User.objects.filter(email=row.payload.get("member", "")).first()
    if team is None or user is None:
        return None
    run = onboarding_start_for_member(actor=row.actor, team=team, user=user)
    return run.pk if run else None


@shared_task(name="wavelength.processes.check_conditions")
def check_conditions() -> int:
    """Complete the condition steps whose condition now holds, in every run in progress
    (every ten minutes through Celery beat); returns how many steps completed."""
    from .services import runsteps_check_conditions

    return len(runsteps_check_conditions())
