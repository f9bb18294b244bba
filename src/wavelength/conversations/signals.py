"""Reading the activity log: conversations reacts to other apps' changes without them knowing.

Who creates (or owns) a commentable object follows it; its followers hear when it changes
stage, ships or is edited, and a coming release's followers when its release gate changes or
its verdict flips; its comments, follows and digest entries go when it is deleted. Follows and
deletions are written in the transaction that wrote the activity; the telling, and the
re-evaluation of the release gates a change may concern, are queued for after the commit.
"""

from django.db import transaction
from django.db.models.signals import post_save

from wavelength.core.models import Activity


def _on_activity(sender, instance: Activity, created: bool, raw: bool = False, **kwargs) -> None:
    if not created or raw:
        return
    from wavelength.core import background

    from . import services

    if instance.verb in ("created", "updated"):
        services.follow_from_activity(row=instance)
    if instance.verb == "deleted":
        services.forget_deleted(row=instance)
    elif instance.verb in services.CHANGE_VERBS and _told_of(instance):
        from .tasks import change_fan_out

        pk = instance.pk
        transaction.on_commit(lambda: background.later(change_fan_out, pk))
    if services.touches_gate(instance):
        _check_gates_after_commit(instance.pk)


def _check_gates_after_commit(activity_id: int) -> None:
    """Queue the gate check of a change once its transaction commits: one job per transaction
    whatever the number of changes (an import or the demo writes thousands of rows in one)."""
    from wavelength.core import background

    from .tasks import check_gates

    connection = transaction.get_connection()
    batch = getattr(connection, "_wavelength_gate_checks", None)
    queued = batch is not None and any(
        callback is batch["send"] for _sids, callback, _robust in connection.run_on_commit
    )
    if not queued:  # the first change of this transaction (or the last one rolled back)
        ids: list[int] = []
        batch = {"ids": ids, "send": lambda: background.later(check_gates, ids)}
        connection._wavelength_gate_checks = batch
        transaction.on_commit(batch["send"])
    batch["ids"].append(activity_id)


def _told_of(row: Activity) -> bool:
    """Whether followers may hear of this row: it is about something commentable, or about
    a product's release gate (cached content types: no query)."""
    from wavelength.quality.models import ReleaseGate

    from . import kinds

    model = row.target_type.model_class()
    return model is ReleaseGate or kinds.kind_for_model(model) is not None


def connect() -> None:
    post_save.connect(_on_activity, sender=Activity, dispatch_uid="conversations.activity")
