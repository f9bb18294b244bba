"""The feedback fixtures (a feature, customers, feedback): scores are computed from them."""

from tests.feedback.conftest import *  # noqa: F403
