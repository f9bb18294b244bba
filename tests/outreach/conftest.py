"""The feedback fixtures (a feature, customers, feedback): the outreach tells their customers."""

from tests.feedback.conftest import *  # noqa: F403
