"""The feedback fixtures (a feature, customers, feedback): the portal is built on them."""

from tests.feedback.conftest import *  # noqa: F403
