"""Background jobs of training (in-process without a broker)."""

from celery import shared_task


@shared_task(name="wavelength.training.send_reminders")
def send_reminders() -> dict[str, int]:
    """Daily through Celery beat: remind learners of courses due soon or overdue, and renew
    certifications about to expire."""
    from .services import certifications_renew, reminders_send

    return {"reminders": reminders_send(), "renewals": certifications_renew()}


@shared_task(name="wavelength.training.draft_enablement")
def draft_enablement(activity_id: int) -> int | None:
    """Draft the enablement course an activity row calls for (a feature moved to beta or
    general availability, a release in progress), if its product has an enablement owner;
    returns the new course's id. Safe to run again: a course is drafted once."""
    from .services import enablement_from_activity

    enablement = enablement_from_activity(activity_id=activity_id)
    return enablement.course_id if enablement else None
