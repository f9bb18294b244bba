"""What a run can be for: a release, a feature, a customer or a person.

Runs hold a generic reference (content type and id) so this app imports none of the models
of the apps it points at; each kind names its model by label and says who owns an object.
"""

from dataclasses import dataclass

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _

from wavelength.core.exceptions import DomainError


@dataclass(frozen=True)
class TargetKind:
    key: str
    label: str
    model: str  # "app_label.ModelName"
    owner_attr: str = "owner"

    def model_class(self):
        try:
            return apps.get_model(self.model)
        except LookupError:  # the app is not installed
            return None


KINDS = {
    k.key: k
    for k in (
        TargetKind("release", _("Release"), "catalog.Release", owner_attr=""),
        TargetKind("feature", _("Feature"), "catalog.Feature"),
        TargetKind("customer", _("Customer"), "feedback.Company"),
        TargetKind("person", _("Person"), "accounts.User", owner_attr="manager"),
    )
}


def kind_of(obj) -> TargetKind | None:
    label = obj._meta.label
    return next((k for k in KINDS.values() if k.model == label), None)


def kind_for_type(content_type_id: int | None) -> TargetKind | None:
    if not content_type_id:
        return None
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    return kind_of(model) if model is not None else None


def resolve(kind: str, pk, *, field: str = "target_id"):
    """The object a client names as ``kind`` + ``pk``; a 422 naming the field if unknown."""
    target_kind = KINDS.get(kind or "")
    model = target_kind.model_class() if target_kind else None
    if model is None:
        raise DomainError(
            _("Choose what the run is for: %(kinds)s.") % {"kinds": ", ".join(KINDS)},
            field="target_kind",
        )
    obj = model._default_manager.filter(pk=pk).first() if str(pk).isdigit() else None
    if obj is None:
        raise DomainError(
            _("No %(kind)s matches “%(pk)s”.") % {"kind": target_kind.label, "pk": pk}, field=field
        )
    return obj


def owner_of(obj):
    """The person who owns ``obj`` (a feature's or customer's owner), if any."""
    kind = kind_of(obj) if obj is not None else None
    if kind is None or not kind.owner_attr:
        return None
    return getattr(obj, kind.owner_attr, None)


def url_of(obj) -> str:
    if obj is None:
        return ""
    if obj._meta.label == "accounts.User":
        from django.urls import reverse

        return reverse("processes:runs-for", args=[obj.pk])
    return obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else ""
