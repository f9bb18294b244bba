"""The quality app's background jobs."""

from celery import shared_task


@shared_task(name="wavelength.quality.junit_import", acks_late=True)
def junit_import(job_id: int) -> str:
    """Record a JUnit report accepted by the API (services.junit_job_run)."""
    from .services import junit_job_run

    return junit_job_run(job_id=job_id).status
