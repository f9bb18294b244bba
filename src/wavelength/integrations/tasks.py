"""Background jobs of the imports: they take an id, load it and call a service."""

from celery import shared_task


@shared_task(name="wavelength.integrations.run_import")
def run_import(job_id: int) -> str:
    """Run one queued CSV import; answers its final status."""
    from .services import import_job_run

    return import_job_run(job_id=job_id).status


@shared_task(name="wavelength.integrations.deliver_activity")
def deliver_activity(activity_id: int) -> int:
    """Make the deliveries of one activity (one per webhook that asked for its event) and send
    them; returns how many were made."""
    from .webhooks import deliver_activity

    return deliver_activity(activity_id)


@shared_task(name="wavelength.integrations.deliver_webhook")
def deliver(delivery_id: int) -> str:
    """One try at a webhook delivery; later tries are made by ``send_due_webhooks``."""
    from .webhooks import attempt

    return attempt(delivery_id).status


@shared_task(name="wavelength.integrations.send_due_webhooks")
def send_due_webhooks() -> int:
    """Retry the webhook deliveries whose time has come (every minute through Celery beat)."""
    from .webhooks import send_due

    return send_due()
