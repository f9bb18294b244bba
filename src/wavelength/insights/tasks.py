"""Background jobs of the insights app (in-process without a broker)."""

from celery import shared_task

from . import services


@shared_task(name="wavelength.insights.send_weekly_reports")
def send_weekly_reports() -> int:
    """Make and e-mail the last full week's report to each subscriber; each once."""
    return services.reports_send()


@shared_task(name="wavelength.insights.refresh_summaries")
def refresh_summaries() -> None:
    """Recount the days and features a change made stale (queued when it commits)."""
    from . import summaries

    summaries.refresh()


@shared_task(name="wavelength.insights.rebuild_summaries")
def rebuild_summaries() -> dict:
    """Recount every summary from the live rows: the nightly repair."""
    from . import summaries

    return summaries.rebuild()
