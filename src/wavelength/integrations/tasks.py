"""Background jobs of the imports: they take an id, load it and call a service."""

from celery import shared_task


@shared_task(name="wavelength.integrations.run_import")
def run_import(job_id: int) -> str:
    """Run one queued CSV import; answers its final status."""
    from .services import import_job_run

    return import_job_run(job_id=job_id).status
