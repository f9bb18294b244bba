"""Marks the summaries (summaries.py) stale when the rows they count change, in the writer's
transaction. Model signals catch every save and delete, whichever service (or import, or
test) made it; the activity log catches the writes done in bulk (merges repoint rows with
one ``UPDATE``, shipping moves its features' stages at once), and the feedback app announces
its bulk inserts. Nothing here computes a figure: it only names the days and features to
recount."""

from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_delete, post_save, pre_save

from wavelength.catalog.models import Feature, StageEntry
from wavelength.core import saves
from wavelength.core.models import Activity
from wavelength.feedback.models import Company, Feedback, FeedbackLink
from wavelength.feedback.signals import feedback_bulk_created

from . import summaries

COMPANY_MOVES = ("company_merged", "company_merged_into", "company_unmerged")


KEY = "_summaries_before"


def _remember(fields: list[str]):
    return saves.remember(fields, KEY)


def _changed(instance, field: str) -> bool:
    return saves.changed(instance, field, KEY)


# Feedback items and their links -------------------------------------------------------------


def feedback_saved(sender, instance: Feedback, created, raw=False, **kwargs):
    if raw:
        return
    summaries.mark_instants([instance.received_at])
    if _changed(instance, "received_at"):  # its old day, and when its features were asked for
        summaries.mark_instants([saves.before(instance, KEY)["received_at"]])
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
    if _changed(instance, "segment"):
        summaries.mark_company(instance.pk)


def feature_saved(sender, instance: Feature, created, raw=False, **kwargs):
    if raw or created:
        return
    if _changed(instance, "product_id") or _changed(instance, "owner_team_id"):
        items = Feedback.objects.filter(links__feature=instance)
        summaries.mark_instants(items.values_list("received_at", flat=True))


def stage_entry_changed(sender, instance: StageEntry, raw=False, **kwargs):
    if not raw:
        summaries.mark_features([instance.feature_id])


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
    pre_save.connect(_remember(["received_at"]), sender=Feedback,
                     dispatch_uid=uid + "feedback.before", weak=False)  # fmt: skip
    post_save.connect(feedback_saved, sender=Feedback, dispatch_uid=uid + "feedback")
    post_save.connect(link_changed, sender=FeedbackLink, dispatch_uid=uid + "link.saved")
    post_delete.connect(link_changed, sender=FeedbackLink, dispatch_uid=uid + "link.deleted")
    feedback_bulk_created.connect(feedback_bulk, dispatch_uid=uid + "feedback.bulk")
    pre_save.connect(_remember(["segment"]), sender=Company,
                     dispatch_uid=uid + "company.before", weak=False)  # fmt: skip
    post_save.connect(company_saved, sender=Company, dispatch_uid=uid + "company")
    pre_save.connect(_remember(["product_id", "owner_team_id"]), sender=Feature,
                     dispatch_uid=uid + "feature.before", weak=False)  # fmt: skip
    post_save.connect(feature_saved, sender=Feature, dispatch_uid=uid + "feature")
    post_save.connect(stage_entry_changed, sender=StageEntry, dispatch_uid=uid + "stage.saved")
    post_delete.connect(stage_entry_changed, sender=StageEntry,
                        dispatch_uid=uid + "stage.deleted")  # fmt: skip
    post_save.connect(activity_saved, sender=Activity, dispatch_uid=uid + "activity")
