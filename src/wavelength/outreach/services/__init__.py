"""Every write of the outreach: closing the loop with the customers who asked for a feature
(preparing the messages: ``loop``; sending them: ``sending``; unsubscribe links:
``unsubscribe``) and telling the followers of a portal idea that it moved (``followers``)."""

from .followers import follower_message, followers_notify
from .loop import *  # noqa: F403
from .loop import __all__ as _loop
from .sending import *  # noqa: F403
from .sending import __all__ as _sending
from .unsubscribe import *  # noqa: F403
from .unsubscribe import __all__ as _unsubscribe

__all__ = ["follower_message", "followers_notify", *_loop, *_sending, *_unsubscribe]
