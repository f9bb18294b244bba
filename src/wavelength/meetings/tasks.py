"""Background jobs of meetings (in-process without a broker)."""

from celery import shared_task


@shared_task(name="wavelength.meetings.send_agendas")
def send_agendas() -> int:
    """Hourly through Celery beat: build (when nobody did) and send the agenda of each meeting
    starting within a day; returns how many meetings' agendas went out."""
    from .services import agendas_send_due

    return agendas_send_due()
