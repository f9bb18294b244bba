"""Merging duplicate feedback, and undoing it.

A merge keeps every voice: the duplicate keeps its own contact, company and links (so its
company still counts in every feature's demand) and leaves the inbox; the survivor gains a copy
of each link it lacked, quotes included, so its page holds all the evidence. Undoing removes
those copies and puts the duplicate back as it was.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from wavelength.accounts.permissions import require_editor
from wavelength.core import activity, clock
from wavelength.core.exceptions import DomainError

from ..models import Feedback, FeedbackLink, FeedbackMerge, Status
from .checks import SCOPE


@transaction.atomic
def feedback_merge(*, actor, survivor: Feedback, duplicate: Feedback) -> FeedbackMerge:
    """Merge ``duplicate`` into ``survivor``."""
    require_editor(actor)
    rows = Feedback.objects.select_for_update().in_bulk([survivor.pk, duplicate.pk])
    if survivor.pk == duplicate.pk:
        raise DomainError(_("An item cannot be merged into itself."), field="duplicate")
    survivor, duplicate = rows[survivor.pk], rows[duplicate.pk]
    if duplicate.merged_into_id or survivor.merged_into_id:
        raise DomainError(
            _("One of these items is already merged into another; undo that merge first."),
            field="duplicate",
        )
    present = set(survivor.links.values_list("feature_id", "quote"))
    copies = [
        FeedbackLink(
            feedback=survivor,
            feature_id=link.feature_id,
            importance=link.importance,
            quote=link.quote,
            created_by=actor,
            created_at=clock.now(),
        )
        for link in duplicate.links.all()
        if (link.feature_id, link.quote) not in present
    ]
    copied = [link.pk for link in FeedbackLink.objects.bulk_create(copies)]
    merge = FeedbackMerge.objects.create(
        survivor=survivor,
        duplicate=duplicate,
        copied_link_ids=copied,
        previous_status=duplicate.status,
        created_by=actor,
        created_at=clock.now(),
    )
    duplicate.merged_into, duplicate.status = survivor, Status.ARCHIVED
    duplicate.updated_at = clock.now()
    duplicate.save(update_fields=["merged_into", "status", "updated_at"])
    activity.record(
        actor=actor, verb="merged", target=survivor, scope=SCOPE, duplicate=duplicate.pk
    )
    activity.record(
        actor=actor,
        verb="merged_into",
        target=duplicate,
        scope=SCOPE,
        changes={"status": [merge.previous_status, Status.ARCHIVED]},
        survivor=survivor.pk,
    )
    return merge


@transaction.atomic
def feedback_merge_undo(*, actor, merge: FeedbackMerge) -> FeedbackMerge:
    """Undo a merge: the copied links go, the duplicate comes back as it was."""
    require_editor(actor)
    merge = FeedbackMerge.objects.select_for_update().get(pk=merge.pk)
    if merge.undone_at is not None:
        raise DomainError(_("This merge was already undone."), field="merge")
    FeedbackLink.objects.filter(pk__in=merge.copied_link_ids, feedback=merge.survivor_id).delete()
    duplicate = Feedback.objects.select_for_update().get(pk=merge.duplicate_id)
    duplicate.merged_into, duplicate.status = None, merge.previous_status
    duplicate.updated_at = clock.now()
    duplicate.save(update_fields=["merged_into", "status", "updated_at"])
    merge.undone_at = clock.now()
    merge.save(update_fields=["undone_at"])
    survivor = merge.survivor
    activity.record(
        actor=actor, verb="unmerged", target=survivor, scope=SCOPE, duplicate=duplicate.pk
    )
    activity.record(
        actor=actor,
        verb="unmerged",
        target=duplicate,
        scope=SCOPE,
        changes={"status": [Status.ARCHIVED, merge.previous_status]},
    )
    return merge
