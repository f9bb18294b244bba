"""Marks the summaries (summaries.py) stale when the rows they count change, in the writer's
transaction. Model signals catch every save and delete, whichever service (or import, or
test) made it; the activity log catches the writes done in bulk (merges repoint rows with
one ``UPDATE``, shipping moves its features' stages at once), and the feedback app announces
its bulk inserts. Nothing here computes a figure: it only names the days and features to
recount."""

from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from wavelength.catalog.models import Feature, StageEntry
from wavelength.core.models import Activity
from wavelength.feedback.models import Company, Feedback, FeedbackLink
from wavelength.feedback.signals import feedback_bulk_created
from wavelength.feedback.votes import votes as registered_votes

from . import summaries

COMPANY_MOVES = ("company_merged", "company_merged_into", "company_unmerged")


def _before(instance, fields: list[str]) -> dict | None:
    """The stored values of ``fields`` before this save (``None`` for a new row)."""
    if instance._state.adding or instance.pk is None:
        return None
    return type(instance)._base_manager.filter(pk=instance.pk).values(*fields).first()


def _remember(fields: list[str]):
    def receiver(sender, instance, raw=False, **kwargs):
        if not raw:
            instance._summaries_before = _before(instance, fields)

    return receiver


def _changed(instance, field: str) -> bool:
    before = getattr(instance, "_summaries_before", None)
    return before is not None and before[field] != getattr(instance, field)


# Feedback items and their links -------------------------------------------------------------


def feedback_saved(sender, instance: Feedback, created, raw=False, **kwargs):
    if raw:
        return
    summaries.mark_instants([instance.received_at])
    if _changed(instance, "received_at"):
        summaries.mark_instants([instance._summaries_before["received_at"]])
    if _changed(instance, "company_id") or _changed(instance, "received_at"):
        # the companies asking for its features, or when they were first asked for
        summaries.mark_features(instance.links.values_list("feature_id", flat=True))


def link_changed(sender, instance: FeedbackLink, raw=False, **kwargs):
    if raw:
        return
    summaries.mark_instants(
        Feedback.objects.filter(pk=instance.feedback_id).values_list("received_at", flat=True)
    )
    summaries.mark_features([instance.feature_id])


def feedback_bulk(sender, items, **kwargs):
    summaries.mark_instants(item.received_at for item in items)


# Companies and features -----------------------------------------------------------------


def company_saved(sender, instance: Company, created, raw=False, **kwargs):
    if raw or created:
        return
    segment, arr = _changed(instance, "segment"), _changed(instance, "arr")
    if segment or arr:
        summaries.mark_company(instance.pk, days=segment, features=arr)


def feature_saved(sender, instance: Feature, created, raw=False, **kwargs):
    if raw or created:
        return
    if _changed(instance, "product_id") or _changed(instance, "owner_team_id"):
        items = Feedback.objects.filter(links__feature=instance)
        summaries.mark_instants(items.values_list("received_at", flat=True))


def stage_entry_changed(sender, instance: StageEntry, raw=False, **kwargs):
    if not raw:
        summaries.mark_features([instance.feature_id])


# Votes, and what they point through (the idea's feature, the voter's company) ----------------


def vote_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    v = registered_votes()
    rows = type(instance)._base_manager.filter(pk=instance.pk)
    summaries.mark_features(rows.values_list(v.feature, flat=True))


def _hop_saved(path: str):
    """A save of the row a vote reaches its feature or company through (``idea`` in
    ``idea__feature``): when that link changes, the features of its votes and the two ends."""
    hop, field = path.split("__", 1)

    def receiver(sender, instance, created, raw=False, **kwargs):
        if raw or created or not _changed(instance, f"{field}_id"):
            return
        v = registered_votes()
        votes = v.counted().model._base_manager.filter(**{hop: instance.pk})
        summaries.mark_features(votes.values_list(v.feature, flat=True))
        if field == "feature":
            summaries.mark_features([instance._summaries_before["feature_id"],
                                     instance.feature_id])  # fmt: skip

    return receiver


# Writes in bulk, read from the activity log -----------------------------------------------


def activity_saved(sender, instance: Activity, created, raw=False, **kwargs):
    if raw or not created or instance.verb not in ("merged", "stage_changed", *COMPANY_MOVES):
        return
    kind = ContentType.objects.get_for_id(instance.target_type_id).model_class()
    if kind is Feature and instance.verb == "stage_changed":  # shipping moves them in bulk
        summaries.mark_features([instance.target_id])
    elif kind is Company and instance.verb in COMPANY_MOVES:
        summaries.mark_company(instance.target_id)
    elif kind is Feedback and instance.verb == "merged":
        summaries.mark_feedback([instance.target_id])


def connect() -> None:
    uid = "insights.summaries."
    pre_save.connect(_remember(["received_at", "company_id"]), sender=Feedback,
                     dispatch_uid=uid + "feedback.before", weak=False)  # fmt: skip
    post_save.connect(feedback_saved, sender=Feedback, dispatch_uid=uid + "feedback")
    post_save.connect(link_changed, sender=FeedbackLink, dispatch_uid=uid + "link.saved")
    post_delete.connect(link_changed, sender=FeedbackLink, dispatch_uid=uid + "link.deleted")
    feedback_bulk_created.connect(feedback_bulk, dispatch_uid=uid + "feedback.bulk")
    pre_save.connect(_remember(["segment", "arr"]), sender=Company,
                     dispatch_uid=uid + "company.before", weak=False)  # fmt: skip
    post_save.connect(company_saved, sender=Company, dispatch_uid=uid + "company")
    pre_save.connect(_remember(["product_id", "owner_team_id"]), sender=Feature,
                     dispatch_uid=uid + "feature.before", weak=False)  # fmt: skip
    post_save.connect(feature_saved, sender=Feature, dispatch_uid=uid + "feature")
    post_save.connect(stage_entry_changed, sender=StageEntry, dispatch_uid=uid + "stage.saved")
    post_delete.connect(stage_entry_changed, sender=StageEntry,
                        dispatch_uid=uid + "stage.deleted")  # fmt: skip
    post_save.connect(activity_saved, sender=Activity, dispatch_uid=uid + "activity")
    v = registered_votes()
    vote = v.counted().model
    if vote is FeedbackLink:  # no votes registered: links are handled above
        return
    post_save.connect(vote_changed, sender=vote, dispatch_uid=uid + "vote.saved")
    pre_delete.connect(vote_changed, sender=vote, dispatch_uid=uid + "vote.deleted")
    for path in (v.feature, v.company):
        if "__" not in path:
            continue
        hop = vote._meta.get_field(path.split("__", 1)[0]).related_model
        field = path.split("__", 1)[1]
        pre_save.connect(_remember([f"{field}_id"]), sender=hop, weak=False,
                         dispatch_uid=uid + f"hop.{path}.before")  # fmt: skip
        post_save.connect(_hop_saved(path), sender=hop, weak=False,
                          dispatch_uid=uid + f"hop.{path}")  # fmt: skip
