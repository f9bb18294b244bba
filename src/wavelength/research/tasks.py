"""Background jobs of the research app (in-process without a broker)."""

from celery import shared_task

from . import services


@shared_task(name="wavelength.research.send_invitations")
def send_invitations(survey_id: int, reminders: bool = False) -> int:
    """E-mail the survey's personal links not sent yet (or the reminders); each once."""
    return services.invitations_send_run(survey_id=survey_id, reminders=reminders)


@shared_task(name="wavelength.research.send_follow_ups")
def send_follow_ups() -> int:
    """Open and send the follow-up surveys of features that reached general availability."""
    return services.follow_ups_send()
