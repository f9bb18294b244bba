"""The quality app's background jobs."""

from celery import shared_task


# Acknowledged once done, and handed back to the queue when the process running it dies
# (killed, out of memory): a job lost half-way is done again, and its locked row makes sure
# it is recorded once (services.junit_job_run).
@shared_task(name="wavelength.quality.junit_import", acks_late=True, reject_on_worker_lost=True)
def junit_import(job_id: int) -> str:
    """Record a JUnit report accepted by the API (services.junit_job_run)."""
    from .services import junit_job_run

    return junit_job_run(job_id=job_id).status
