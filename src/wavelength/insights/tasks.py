"""Background jobs of the insights app (in-process without a broker)."""

from celery import shared_task

from . import services


@shared_task(name="wavelength.insights.send_weekly_reports")
def send_weekly_reports() -> int:
    """Make and e-mail the last full week's report to each subscriber; each once."""
    return services.reports_send()
