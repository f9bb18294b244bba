"""Background jobs of the feedback app (in-process without a broker)."""

from celery import shared_task

from . import triage


@shared_task(name="wavelength.feedback.retrain_triage")
def retrain_triage(only_if_due: bool = False) -> int:
    """Retrain the triage engine on the workspace's decisions; returns the examples used.

    ``only_if_due`` skips it when a recent model exists (several corrections committed
    together queue it several times)."""
    if only_if_due and not triage.retrain_due():
        return 0
    return triage.retrain().examples


@shared_task(name="wavelength.feedback.embed_feedback")
def embed_feedback(ids: list[int] | None = None) -> int:
    """Make and store the sentence embeddings of new items (none on the default engine)."""
    return triage.embed_feedback(ids)
