"""Shared rules of the quality services: the activity scope and input checks."""

from collections.abc import Iterable

from django.utils.translation import gettext as _

from wavelength.catalog.models import Tag
from wavelength.core.exceptions import DomainError

MAX_STEPS = 200


def scope_of(product) -> str:
    """Quality changes show on their product's timeline, like the catalog's own."""
    return f"catalog.product:{product.pk}"


def text(value, field: str, max_length: int, *, required: bool = False) -> str:
    value = (value or "").strip() if isinstance(value, str) or value is None else str(value)
    if required and not value:
        raise DomainError(_("This field is required."), field=field)
    if len(value) > max_length:
        raise DomainError(_("At most %(n)d characters.") % {"n": max_length}, field=field)
    return value


def choice(value, choices, field: str) -> str:
    if value in choices.values:
        return value
    message = _("Unknown value “%(value)s”; choose from %(choices)s.") % {
        "value": value,
        "choices": ", ".join(choices.values),
    }
    raise DomainError(message, field=field)


def tags(names: Iterable[str]) -> list[Tag]:
    clean = sorted({n.strip().lower()[:50] for n in names if n and n.strip()})
    existing = {t.name: t for t in Tag.objects.filter(name__in=clean)}
    missing = [Tag(name=n) for n in clean if n not in existing]
    if missing:
        Tag.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {t.name: t for t in Tag.objects.filter(name__in=clean)}
    return list(existing.values())


def steps(values) -> list[dict[str, str]]:
    """Ordered steps as ``[{"action", "expected"}]``; blank rows are dropped."""
    out = []
    for index, step in enumerate(values or []):
        if not isinstance(step, dict):
            raise DomainError(_("Each step needs an action and an expected result."), field="steps")
        action = text(step.get("action"), f"steps.{index}.action", 2000)
        expected = text(step.get("expected"), f"steps.{index}.expected", 2000)
        if not action and not expected:
            continue
        if not action:
            raise DomainError(_("A step needs an action."), field=f"steps.{index}.action")
        out.append({"action": action, "expected": expected})
    if len(out) > MAX_STEPS:
        raise DomainError(_("At most %(n)d steps.") % {"n": MAX_STEPS}, field="steps")
    return out
