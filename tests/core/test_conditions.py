"""Named conditions: registered by one app, evaluated by another without importing it."""

from wavelength.core import conditions
from wavelength.core.conditions import ConditionResult


def test_a_registered_condition_is_evaluated_with_its_target_and_params():
    seen = {}

    def evaluate(*, target, subject=None, params=None):
        seen.update(target=target, subject=subject, params=params)
        return ConditionResult(ok=params["n"] > 2, detail="needs more", missing=[("x", "/x/")])

    conditions.register_condition("test.more_than_two", label="More than two", evaluate=evaluate)
    try:
        result = conditions.evaluate("test.more_than_two", target="release", params={"n": 1})
        assert result == ConditionResult(ok=False, detail="needs more", missing=[("x", "/x/")])
        assert seen == {"target": "release", "subject": None, "params": {"n": 1}}
        assert conditions.get_condition("test.more_than_two").label == "More than two"
        assert "test.more_than_two" in [c.key for c in conditions.condition_list()]
    finally:
        conditions.unregister_condition("test.more_than_two")


def test_an_unknown_condition_fails_with_a_reason():
    result = conditions.evaluate("nobody.registered_this", target=None)
    assert result.ok is False
    assert "nobody.registered_this" in result.detail
