"""Writes of prioritisation estimates: reach, impact, confidence, effort and value."""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from wavelength.accounts.permissions import require_editor
from wavelength.catalog.models import Feature
from wavelength.core import activity, clock, versioning
from wavelength.core.exceptions import DomainError

from .formulas import LOAD, RICE, VALUE_EFFORT
from .models import CONFIDENCE_CHOICES, IMPACT_CHOICES, FeatureScore
from .selectors import active_formulas

IMPACTS = [value for value, _label in IMPACT_CHOICES]
CONFIDENCES = [value for value, _label in CONFIDENCE_CHOICES]
MAX_EFFORT = Decimal("1000")
MAX_REACH = 10_000_000
MAX_VALUE = Decimal("99999999999999.99")
_UNSET = object()


def _decimal(value, field: str) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise DomainError(_("Enter a number."), field=field) from None
    if not number.is_finite():
        raise DomainError(_("Enter a number."), field=field)
    return number


def _impact(value) -> Decimal:
    number = _decimal(value, "impact")
    if number not in IMPACTS:
        allowed = ", ".join(f"{v:g}" for v in IMPACTS)
        raise DomainError(_("Choose one of %(allowed)s.") % {"allowed": allowed}, field="impact")
    return next(v for v in IMPACTS if v == number)


def _confidence(value) -> int:
    number = _decimal(value, "confidence")
    if number not in CONFIDENCES:
        allowed = ", ".join(str(v) for v in CONFIDENCES)
        raise DomainError(
            _("Choose one of %(allowed)s (percent).") % {"allowed": allowed}, field="confidence"
        )
    return int(number)


def _effort(value) -> Decimal | None:
    if value is None or value == "":
        return None
    number = _decimal(value, "effort")
    if number <= 0 or number > MAX_EFFORT:
        raise DomainError(
            _("Effort is in person-months: more than 0, at most 1,000."), field="effort"
        )
    return number.quantize(Decimal("0.01"))


def _reach(value) -> int | None:
    if value is None or value == "":
        return None
    number = _decimal(value, "reach")
    if number < 0 or number != number.to_integral_value() or number > MAX_REACH:
        raise DomainError(_("Reach is a whole number, 0 or more."), field="reach")
    return int(number)


def _value(value) -> Decimal | None:
    if value is None or value == "":
        return None
    number = _decimal(value, "value")
    if number < 0 or number > MAX_VALUE:
        raise DomainError(_("Value is an amount, 0 or more."), field="value")
    return number.quantize(Decimal("0.01"))


CHECKS = {
    "reach": _reach,
    "impact": _impact,
    "confidence": _confidence,
    "effort": _effort,
    "value": _value,
}


def _clean(inputs: dict) -> dict:
    """Every input checked; one error naming every bad field."""
    clean, errors = {}, {}
    for name, value in inputs.items():
        try:
            clean[name] = CHECKS[name](value)
        except DomainError as exc:
            errors.update(exc.errors)
    if errors:
        raise DomainError(next(iter(errors.values())), errors=errors)
    return clean


def _json(value):
    return str(value) if isinstance(value, Decimal) else value


def _unestimated() -> str:
    """The version of a feature nobody estimated yet: the estimates' defaults."""
    return versioning.version_of(FeatureScore())


def score_version(feature: Feature) -> str:
    """The version of ``feature``'s estimates, which an edit of them starts from."""
    score = FeatureScore.objects.filter(feature=feature).first()
    return versioning.version_of(score) if score else _unestimated()


@transaction.atomic
def feature_score_update(
    *,
    actor,
    feature: Feature,
    reach=_UNSET,
    impact=_UNSET,
    confidence=_UNSET,
    effort=_UNSET,
    value=_UNSET,
    if_version: str | None = None,
) -> FeatureScore:
    """Change the estimates given (``None`` clears reach, effort or value: reach and value then
    follow the demand again). The score row records the active formula versions, and the
    change is recorded on the feature under its product's scope. ``if_version`` (see
    :func:`score_version`) refuses a stale edit."""
    require_editor(actor)
    given = {k: v for k, v in locals().items() if k in CHECKS and v is not _UNSET}
    for name in ("impact", "confidence"):
        if name in given and given[name] is None:
            given[name] = ""  # these two always have a value
    score, created = FeatureScore.objects.select_for_update().get_or_create(feature=feature)
    versioning.check_version(
        _unestimated() if created else versioning.version_of(score), if_version
    )
    clean = _clean(given)
    formulas = active_formulas()
    changes = {
        name: [_json(getattr(score, name)), _json(new)]
        for name, new in clean.items()
        if getattr(score, name) != new
    }
    rice, value_effort = formulas.get(RICE), formulas.get(VALUE_EFFORT)
    for name, new in clean.items():
        setattr(score, name, new)
    score.rice_formula, score.value_formula = rice, value_effort
    score.load_formula = formulas.get(LOAD)
    score.updated_by, score.updated_at = actor, clock.now()
    score.save()
    if changes:
        activity.record(
            actor=actor,
            verb="updated",
            target=feature,
            scope=f"catalog.product:{feature.product_id}",
            changes=changes,
            formulas=[str(f) for f in (rice, value_effort, score.load_formula) if f],
        )
    return score
