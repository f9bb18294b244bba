"""Keeps each feature's demand figures (``services/demand.py``) in the writer's transaction.

Model signals catch every save and delete, whichever door made it: a service, the admin, an
import, a test, a cascade. The services that write in bulk (which sends no signal) recount
themselves. Votes belong to the portal, which this app must not know: their receivers are
connected when the portal registers its votes (``signals.votes_registered``). Nothing here
counts: it names the features to recount.
"""

from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from wavelength.catalog.models import Feature
from wavelength.core import saves

from .models import Company, FeatureDemand, Feedback, FeedbackLink
from .services import demand
from .signals import votes_registered

KEY = "_demand_before"
UID = "feedback.demand."


# Links and items ----------------------------------------------------------------------------


def link_changed(sender, instance: FeedbackLink, raw=False, **kwargs):
    if not raw:
        demand.recount([instance.feature_id])


def feedback_saved(sender, instance: Feedback, created, raw=False, **kwargs):
    if raw or created:  # a new item has no link yet
        return
    if saves.changed(instance, "company_id", KEY) or saves.changed(instance, "source", KEY):
        demand.recount(instance.links.values_list("feature_id", flat=True))


# Companies: their revenue, and where their items and voters go when one is deleted ----------


def company_saved(sender, instance: Company, created, raw=False, **kwargs):
    if not raw and not created and saves.changed(instance, "arr", KEY):
        demand.recount(demand.asked_by([instance.pk]))


def company_leaving(sender, instance: Company, **kwargs):
    instance._demand_features = demand.asked_by([instance.pk])


def company_deleted(sender, instance: Company, **kwargs):
    demand.recount(getattr(instance, "_demand_features", ()))


def feature_deleted(sender, instance: Feature, **kwargs):
    FeatureDemand.objects.filter(feature_id=instance.pk).delete()


def connect() -> None:
    pre_save.connect(saves.remember(["company_id", "source"], KEY), sender=Feedback,
                     dispatch_uid=UID + "feedback.before", weak=False)  # fmt: skip
    post_save.connect(feedback_saved, sender=Feedback, dispatch_uid=UID + "feedback")
    post_save.connect(link_changed, sender=FeedbackLink, dispatch_uid=UID + "link.saved")
    post_delete.connect(link_changed, sender=FeedbackLink, dispatch_uid=UID + "link.deleted")
    pre_save.connect(saves.remember(["arr"], KEY), sender=Company,
                     dispatch_uid=UID + "company.before", weak=False)  # fmt: skip
    post_save.connect(company_saved, sender=Company, dispatch_uid=UID + "company")
    pre_delete.connect(company_leaving, sender=Company, dispatch_uid=UID + "company.leaving")
    post_delete.connect(company_deleted, sender=Company, dispatch_uid=UID + "company.deleted")
    post_delete.connect(feature_deleted, sender=Feature, dispatch_uid=UID + "feature.deleted")
    votes_registered.connect(connect_votes, dispatch_uid=UID + "votes")


# Votes, and what they reach their feature and company through (an idea, a contact) ----------


def _vote_features(instance, path: str) -> list[int]:
    rows = type(instance)._base_manager.filter(pk=instance.pk)
    return list(rows.values_list(path, flat=True))


def _vote_receivers(votes):
    path = votes.feature
    # What makes a vote count and where it counts: a save of other fields changes nothing.
    counting = {p.split("__", 1)[0] for p in (votes.at, votes.feature, votes.company)}

    def saved(sender, instance, raw=False, update_fields=None, **kwargs):
        if raw or (update_fields is not None and not counting & set(update_fields)):
            return
        demand.recount(_vote_features(instance, path))

    def leaving(sender, instance, **kwargs):
        instance._demand_features = _vote_features(instance, path)

    def deleted(sender, instance, **kwargs):
        demand.recount(getattr(instance, "_demand_features", ()))

    return saved, leaving, deleted


def _hop_saved(votes, hop: str, field: str):
    """A save of the row votes reach their feature or company through (``idea`` in
    ``idea__feature``): when it points elsewhere, the features of its counted votes, and
    both features when the hop is to the feature."""

    def receiver(sender, instance, created, raw=False, **kwargs):
        if raw or created or not saves.changed(instance, f"{field}_id", KEY):
            return
        rows = votes.counted().filter(**{hop: instance.pk})
        features = set(rows.values_list(votes.feature, flat=True))
        if field == "feature":
            features |= {saves.before(instance, KEY)["feature_id"], instance.feature_id}
        demand.recount(features)

    return receiver


def connect_votes(sender, votes, **kwargs) -> None:
    """Connect the receivers of the registered votes (``votes.Votes``)."""
    model = votes.counted().model
    saved, leaving, deleted = _vote_receivers(votes)
    post_save.connect(saved, sender=model, dispatch_uid=UID + "vote.saved", weak=False)
    pre_delete.connect(leaving, sender=model, dispatch_uid=UID + "vote.leaving", weak=False)
    post_delete.connect(deleted, sender=model, dispatch_uid=UID + "vote.deleted", weak=False)
    for path in (votes.feature, votes.company):
        if "__" not in path:
            continue
        hop, field = path.split("__", 1)
        related = model._meta.get_field(hop).related_model
        pre_save.connect(saves.remember([f"{field}_id"], KEY), sender=related, weak=False,
                         dispatch_uid=UID + f"hop.{path}.before")  # fmt: skip
        post_save.connect(_hop_saved(votes, hop, field), sender=related, weak=False,
                          dispatch_uid=UID + f"hop.{path}")  # fmt: skip
