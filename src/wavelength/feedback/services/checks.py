"""Shared rules of the feedback services: constants and input checks."""

import datetime as dt
import functools
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from wavelength.catalog.models import Tag
from wavelength.core import clock
from wavelength.core.exceptions import DomainError

SCOPE = "feedback"
BULK_LIMIT = 1000
MAX_ARR = Decimal("999999999999.99")
# Addresses at these domains belong to people, not to a customer company.
FREE_MAIL = {
    "gmail.com", "googlemail.com", "yahoo.com", "yahoo.fr", "hotmail.com", "hotmail.fr",
    "outlook.com", "live.com", "icloud.com", "me.com", "aol.com", "proton.me",
    "protonmail.com", "gmx.com", "gmx.de", "orange.fr", "free.fr", "laposte.net", "wanadoo.fr",
}  # fmt: skip
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_MISSING = object()


# Validation helpers -----------------------------------------------------------------------


def _text(value, field: str, max_length: int, *, required: bool = False) -> str:
    value = (value or "").strip() if isinstance(value, str) or value is None else str(value)
    if required and not value:
        raise DomainError(_("This field is required."), field=field)
    if len(value) > max_length:
        raise DomainError(_("At most %(n)d characters.") % {"n": max_length}, field=field)
    return value


@functools.cache
def _values(choices) -> frozenset[str]:
    """A choices class's values, worked out once (``choices.values`` builds a list each time,
    which cost a bulk of 1,000 items more than all its other checks)."""
    return frozenset(choices.values)


def _choice(value, choices, field: str, *, blank: bool = True) -> str:
    value = value or ""
    if (value == "" and blank) or value in _values(choices):
        return value
    message = _("Unknown value “%(value)s”; choose from %(choices)s.") % {
        "value": value,
        "choices": ", ".join(choices.values),
    }
    raise DomainError(message, field=field)


def _email(value, field: str = "email") -> str:
    email = _text(value, field, 254, required=True).lower()
    try:
        validate_email(email)
    except ValidationError:
        raise DomainError(_("Enter a valid e-mail address."), field=field) from None
    return email


def _domains(values: Iterable[str]) -> list[str]:
    clean = sorted({(v or "").strip().lower().removeprefix("@") for v in values} - {""})
    for domain in clean:
        if not _DOMAIN.match(domain):
            raise DomainError(_("“%(d)s” is not a domain name.") % {"d": domain}, field="domains")
    return clean


def _arr(value) -> Decimal:
    try:
        amount = Decimal(str(value if value not in (None, "") else 0)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise DomainError(_("Enter an amount."), field="arr") from None
    if not amount.is_finite() or amount < 0 or amount > MAX_ARR:
        raise DomainError(_("Enter an amount between 0 and 999,999,999,999."), field="arr")
    return amount


def _tags(names: Iterable[str]) -> list[Tag]:
    clean = sorted({n.strip().lower()[:50] for n in names if n and n.strip()})
    existing = {t.name: t for t in Tag.objects.filter(name__in=clean)}
    missing = [Tag(name=n) for n in clean if n not in existing]
    if missing:
        Tag.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {t.name: t for t in Tag.objects.filter(name__in=clean)}
    return list(existing.values())


def _received(value) -> dt.datetime:
    if value is None:
        return clock.now()
    if not isinstance(value, dt.datetime):
        raise DomainError(_("Enter a date and time."), field="received_at")
    return value


# The apps built on feedback (the portal, the outreach) check their own fields the same way.
clean_text, clean_email = _text, _email
