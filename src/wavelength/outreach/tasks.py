"""Background jobs of the outreach (in-process without a broker).

The task names keep the ``wavelength.feedback.`` prefix of the app they started in, so that
jobs queued before an upgrade still find their task."""

from celery import shared_task

from .services import followers, loop, sending


@shared_task(name="wavelength.feedback.prepare_loop_messages")
def prepare_loop_messages(activity_id: int) -> int:
    """Prepare the close-the-loop drafts a new activity row calls for (a feature moved to beta
    or general availability, a release shipped); returns how many messages were added."""
    prepared = loop.loop_prepare_from_activity(activity_ids=[activity_id])
    return prepared.drafts + prepared.skipped


@shared_task(name="wavelength.feedback.send_loop_messages")
def send_loop_messages(send_id: int) -> int:
    """Send the close-the-loop messages a "Send" queued, each once; returns how many this
    run sent (a repeated run sends nothing more)."""
    return sending.loop_send_run(send_id=send_id)


@shared_task(name="wavelength.feedback.release_interrupted_sends")
def release_interrupted_sends() -> int:
    """Mark failed, for a retry, the close-the-loop messages a stopped worker left "sending"."""
    return sending.loop_release_interrupted()


@shared_task(name="wavelength.feedback.notify_idea_followers")
def notify_idea_followers(activity_id: int) -> int:
    """E-mail the followers of the portal ideas a new activity row moved (a feature's stage
    change, a release shipped), each once; returns how many e-mails were sent."""
    return followers.followers_notify(activity_id=activity_id)
