"""Background jobs of the knowledge base (in-process without a broker)."""

from celery import shared_task


@shared_task(name="wavelength.knowledge.mark_pages_stale")
def mark_pages_stale(activity_id: int) -> int:
    """Mark stale the pages about what an activity changed; returns how many."""
    from .services import pages_mark_stale_for_activity

    return pages_mark_stale_for_activity(activity_id=activity_id)


@shared_task(name="wavelength.knowledge.send_review_reminders")
def send_review_reminders() -> int:
    """Remind owners of their stale pages (daily through Celery beat); returns owners told."""
    from .services import review_reminders_send

    return review_reminders_send()
