"""What every app's form views share: a service's refusal shown on the form, its status, and
the version an edit form was built from (see :mod:`wavelength.core.versioning`)."""

from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy

from . import versioning
from .exceptions import DomainError

T = TypeVar("T")


def add_domain_error(form: forms.Form, exc: DomainError) -> None:
    """Show each message of ``exc`` on its field, or above the form when it names none."""
    for field, message in exc.errors.items():
        form.add_error(field if field in form.fields else None, message)


class VersionedForm(forms.Form):
    """An edit form. It carries, in a hidden field that the shared error block renders, the
    version of the object it was built from; the view hands it to the service as
    ``if_version=form.seen_version()``. Call :meth:`versioned` with the object being edited."""

    edit_version = forms.CharField(widget=forms.HiddenInput, required=False, max_length=200)

    def versioned(self, obj: models.Model):
        """Build the form from ``obj``'s current version; returns the form."""
        self.fields["edit_version"].initial = versioning.version_of(obj)
        return self

    def values(self) -> dict:
        """The cleaned fields but the version, as a service takes them."""
        return {k: v for k, v in self.cleaned_data.items() if k != "edit_version"}

    def seen_version(self) -> str | None:
        """The version the person started from (None on an unbound or older form)."""
        return (self.cleaned_data.get("edit_version") or None) if self.is_bound else None


def _shown(field: forms.Field, value) -> str:
    """A field's value as a person reads it (choice labels, yes/no)."""
    if value in (None, "", [], ()):
        return "—"
    if isinstance(field, forms.BooleanField):
        return str(gettext_lazy("Yes") if value else gettext_lazy("No"))
    if isinstance(value, models.Model):
        value = value.pk
    values = value if isinstance(value, list | tuple | set) else [value]
    if hasattr(field, "choices"):
        labels = {str(getattr(k, "value", k)): str(v) for k, v in field.choices}
        values = [labels.get(str(getattr(v, "pk", v)), str(v)) for v in values]
    return ", ".join(str(v) for v in values)


def conflict_rows(form: forms.Form) -> list[dict]:
    """The fields where what the person typed differs from what is saved now: both versions.

    The view builds the form's ``initial`` from the object as it is now, so Django's own
    ``changed_data`` names exactly those fields."""
    rows = []
    for name in form.changed_data:
        field = form.fields[name]
        if field.widget.is_hidden:
            continue
        saved = form.get_initial_for_field(field, name)
        rows.append(
            {
                "label": field.label or name,
                "saved": _shown(field, saved),
                "yours": _shown(field, form[name].data),
            }
        )
    return rows


def submit(form: forms.Form, call: Callable[[], T]) -> T | None:
    """``call()`` once the form parses; a refusal from the service lands on the form.

    A stale edit keeps everything typed and shows the saved version beside it; the form then
    carries the current version, so saving again keeps what the person typed."""
    if not form.is_bound or not form.is_valid():
        return None
    try:
        return call()
    except versioning.StaleVersion as exc:
        form.conflict = conflict_rows(form)
        data = form.data.copy()
        data[form.add_prefix("edit_version")] = exc.current
        form.data = data
        form.add_error(None, exc.message)
        return None
    except DomainError as exc:
        add_domain_error(form, exc)
        return None


def form_status(*forms_: forms.Form) -> int:
    """422 when a submitted form has errors (htmx and tests see the refusal), else 200."""
    return 422 if any(f.is_bound and f.errors for f in forms_) else 200
