"""Background jobs of accounts (in-process without a broker)."""

from celery import shared_task


@shared_task(name="wavelength.accounts.purge_audit_events")
def purge_audit_events() -> int:
    """Forget audit events older than ``AUDIT_RETENTION_DAYS`` (daily through Celery beat)."""
    from .audit import purge

    return purge()
