"""Background jobs of conversations: telling people, never in the request.

Queued with ``transaction.on_commit`` by the services (and by :mod:`.signals` for changes read
from the activity log) through :func:`wavelength.core.background.later`: on a worker with a
broker, in a background thread of the process without one.
"""

from celery import shared_task


@shared_task(name="wavelength.conversations.comment_fan_out")
def comment_fan_out(comment_id: int, only_user_ids: list[int] | None = None) -> int:
    """Notify whom a new (or edited) comment concerns; returns how many were told."""
    from . import services
    from .models import Comment

    comment = Comment.objects.select_related("author").filter(pk=comment_id).first()
    if comment is None:
        return 0
    return services.comment_fan_out(comment=comment, only_user_ids=only_user_ids)


@shared_task(name="wavelength.conversations.change_fan_out")
def change_fan_out(activity_id: int) -> int:
    """Tell the followers of an object that changed stage, shipped or was edited (or of the
    releases whose gate changed)."""
    from wavelength.core.models import Activity

    from . import services

    row = Activity.objects.select_related("actor", "target_type").filter(pk=activity_id).first()
    return services.change_fan_out(row=row) if row is not None else 0


@shared_task(name="wavelength.conversations.send_digests")
def send_digests() -> int:
    """Send the daily and weekly digests whose hour has come; returns how many e-mails."""
    from . import services

    return services.digests_send_due()


@shared_task(name="wavelength.conversations.check_gates")
def check_gates(activity_ids: list[int]) -> int:
    """Evaluate the gates of the coming releases some changes may concern (the changes of
    one transaction); returns how many verdicts flipped."""
    from wavelength.core.models import Activity

    from . import services

    rows = Activity.objects.select_related("target_type").filter(pk__in=activity_ids)
    return services.gate_verdicts_check(releases=services.releases_touched_by(rows))


@shared_task(name="wavelength.conversations.check_all_gates")
def check_all_gates() -> int:
    """Evaluate the gate of every coming release (periodic); how many verdicts flipped."""
    from . import services

    return services.gate_verdicts_check_all()
