"""Background jobs of training (in-process without a broker)."""

from celery import shared_task


@shared_task(name="wavelength.training.send_reminders")
def send_reminders() -> dict[str, int]:
    """Daily through Celery beat: remind learners of courses due soon or overdue, and renew
    certifications about to expire."""
    from .services import certifications_renew, reminders_send

    return {"reminders": reminders_send(), "renewals": certifications_renew()}
