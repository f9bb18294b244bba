"""Background jobs of the feedback app (in-process without a broker)."""

from celery import shared_task


@shared_task(name="wavelength.feedback.retrain_triage")
def retrain_triage(only_if_due: bool = False) -> int:
    """Retrain the triage engine on the workspace's decisions; returns the examples used.

    ``only_if_due`` skips it when a recent model exists (several corrections committed
    together queue it several times)."""
    from .triage import retrain, retrain_due

    if only_if_due and not retrain_due():
        return 0
    return retrain().examples


@shared_task(name="wavelength.feedback.prepare_loop_messages")
def prepare_loop_messages(activity_id: int) -> int:
    """Prepare the close-the-loop drafts a new activity row calls for (a feature moved to beta
    or general availability, a release shipped); returns how many messages were added."""
    from .services.loop import loop_prepare_from_activity

    prepared = loop_prepare_from_activity(activity_ids=[activity_id])
    return prepared.drafts + prepared.skipped


@shared_task(name="wavelength.feedback.send_loop_messages")
def send_loop_messages(send_id: int) -> int:
    """Send the close-the-loop messages a "Send" queued, each once; returns how many this
    run sent (a repeated run sends nothing more)."""
    from .services.loop import loop_send_run

    return loop_send_run(send_id=send_id)


@shared_task(name="wavelength.feedback.release_interrupted_sends")
def release_interrupted_sends() -> int:
    """Mark failed, for a retry, the close-the-loop messages a stopped worker left "sending"."""
    from .services.loop import loop_release_interrupted

    return loop_release_interrupted()


@shared_task(name="wavelength.feedback.notify_idea_followers")
def notify_idea_followers(activity_id: int) -> int:
    """E-mail the followers of the portal ideas a new activity row moved (a feature's stage
    change, a release shipped), each once; returns how many e-mails were sent."""
    from .services.followers import followers_notify

    return followers_notify(activity_id=activity_id)
