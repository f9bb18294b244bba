"""What every app's form views share: a service's refusal shown on the form, and its status."""

from collections.abc import Callable
from typing import TypeVar

from django import forms

from .exceptions import DomainError

T = TypeVar("T")


def add_domain_error(form: forms.Form, exc: DomainError) -> None:
    """Show each message of ``exc`` on its field, or above the form when it names none."""
    for field, message in exc.errors.items():
        form.add_error(field if field in form.fields else None, message)


def submit(form: forms.Form, call: Callable[[], T]) -> T | None:
    """``call()`` once the form parses; a refusal from the service lands on the form."""
    if not form.is_bound or not form.is_valid():
        return None
    try:
        return call()
    except DomainError as exc:
        add_domain_error(form, exc)
        return None


def form_status(*forms_: forms.Form) -> int:
    """422 when a submitted form has errors (htmx and tests see the refusal), else 200."""
    return 422 if any(f.is_bound and f.errors for f in forms_) else 200
