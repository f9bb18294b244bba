"""Every write of the outreach: closing the loop with the customers who asked for a feature
(``loop``) and telling the followers of a portal idea that it moved (``followers``)."""

from .followers import follower_message, followers_notify
from .loop import *  # noqa: F403 - closing the loop (services/loop.py)
from .loop import __all__ as _loop_all

__all__ = ["follower_message", "followers_notify", *_loop_all]
