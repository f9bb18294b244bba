"""The scoring formulas' arithmetic, keyed by ``(name, version)``.

A formula's arithmetic is code, never an evaluation of the text people see: each version has
a Python function (to explain one score) and the same arithmetic as a SQL expression over the
annotations of ``selectors.prioritisation_list`` (to sort every feature by it in the
database).
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import ExpressionWrapper, F, FloatField
from django.db.models.functions import Cast
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

RICE, VALUE_EFFORT, LOAD = "rice", "value_effort", "load"
TWO_PLACES = Decimal("0.01")

# The shipped formulas' texts (stored in the database by feedback's migration 0005), marked
# for translation so the page shows them in the reader's language: ``{% translate text %}``.
# A formula someone writes shows as written.
SHIPPED_TEXTS = (
    gettext_noop("reach × impact × confidence ÷ effort"),
    gettext_noop(
        "Reach: companies asking (or an estimate). Impact: 0.25, 0.5, 1, 2 or 3. "
        "Confidence: 50 %, 80 % or 100 %. Effort: person-months."
    ),
    gettext_noop("value ÷ effort"),
    gettext_noop(
        "Value: the annual revenue of the companies asking (or an estimate). Effort: person-months."
    ),
    gettext_noop("(support + defects) × confidence ÷ effort"),
    gettext_noop(
        "Support: feedback items from support tickets linked to the feature. Defects: its open "
        "defects weighted by severity (critical 8, major 4, minor 2, trivial 1). Confidence and "
        "effort as for RICE."
    ),
)

# What an open defect weighs in the load, by severity (the "defects" input).
SEVERITY_WEIGHT = {"critical": 8, "major": 4, "minor": 2, "trivial": 1}


@dataclass(frozen=True)
class Inputs:
    reach: int
    impact: Decimal
    confidence: int  # percent
    effort: Decimal | None
    value: Decimal
    support: int = 0  # feedback items from support tickets linked to the feature
    defects: int = 0  # its open defects, weighted by severity (SEVERITY_WEIGHT)


@dataclass(frozen=True)
class FormulaCode:
    compute: Callable[[Inputs], Decimal | None]
    sql: Callable[[], object]  # an expression over the annotations of ``prioritisation_list``
    explain: Callable[[Inputs, Decimal], str]


def plain_number(value) -> str:
    """2.50 → "2.5", 10.00 → "10", 4646000 → "4,646,000": a number as people write it, in
    the reader's language ("4 646 000", "2,5" in French)."""
    text = f"{Decimal(value):f}"
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return number_format(Decimal(text), force_grouping=True)


def _rice_v1(i: Inputs) -> Decimal | None:
    if not i.effort:
        return None
    score = Decimal(i.reach) * i.impact * Decimal(i.confidence) / 100 / i.effort
    return score.quantize(TWO_PLACES, ROUND_HALF_UP)


def _rice_v1_sql():
    product = F("reach_used") * Cast("score__impact", FloatField()) * F("score__confidence")
    return ExpressionWrapper(
        Cast(product, FloatField()) / 100.0 / Cast("score__effort", FloatField()),
        output_field=FloatField(),
    )


def _rice_v1_explain(i: Inputs, score: Decimal) -> str:
    return _(
        "%(score)s = reach %(reach)s × impact %(impact)s × confidence %(confidence)s "
        "÷ effort %(effort)s"
    ) % {
        "score": plain_number(score),
        "reach": plain_number(i.reach),
        "impact": plain_number(i.impact),
        "confidence": plain_number(Decimal(i.confidence) / 100),
        "effort": plain_number(i.effort),
    }


def _value_effort_v1(i: Inputs) -> Decimal | None:
    if not i.effort:
        return None
    return (i.value / i.effort).quantize(TWO_PLACES, ROUND_HALF_UP)


def _value_effort_v1_sql():
    return ExpressionWrapper(
        Cast("value_used", FloatField()) / Cast("score__effort", FloatField()),
        output_field=FloatField(),
    )


def _value_effort_v1_explain(i: Inputs, score: Decimal) -> str:
    return _("%(score)s = value %(value)s ÷ effort %(effort)s") % {
        "score": plain_number(score),
        "value": plain_number(i.value.quantize(TWO_PLACES)),
        "effort": plain_number(i.effort),
    }


def _load_v1(i: Inputs) -> Decimal | None:
    if not i.effort:
        return None
    score = Decimal(i.support + i.defects) * Decimal(i.confidence) / 100 / i.effort
    return score.quantize(TWO_PLACES, ROUND_HALF_UP)


def _load_v1_sql():
    load = (F("support_count") + F("defect_weight")) * F("score__confidence")
    return ExpressionWrapper(
        Cast(load, FloatField()) / 100.0 / Cast("score__effort", FloatField()),
        output_field=FloatField(),
    )


def _load_v1_explain(i: Inputs, score: Decimal) -> str:
    return _(
        "%(score)s = (support %(support)s + defects %(defects)s) × confidence %(confidence)s "
        "÷ effort %(effort)s"
    ) % {
        "score": plain_number(score),
        "support": i.support,
        "defects": i.defects,
        "confidence": plain_number(Decimal(i.confidence) / 100),
        "effort": plain_number(i.effort),
    }


FORMULAS: dict[tuple[str, int], FormulaCode] = {
    (RICE, 1): FormulaCode(_rice_v1, _rice_v1_sql, _rice_v1_explain),
    (VALUE_EFFORT, 1): FormulaCode(
        _value_effort_v1, _value_effort_v1_sql, _value_effort_v1_explain
    ),
    (LOAD, 1): FormulaCode(_load_v1, _load_v1_sql, _load_v1_explain),
}
