"""Every write of the research app, one transaction each, recorded in the activity log:
building surveys (``surveys``), answering them (``responses``), sending them by e-mail with
reminders and unsubscribe links (``sending``) and the follow-up after a feature ships
(``outcomes``).

Editors build and send surveys; every member reads them and their results. Respondents need
no account: their answers come through a public or personal link.
"""

from .outcomes import *  # noqa: F403
from .outcomes import __all__ as _outcomes
from .responses import *  # noqa: F403
from .responses import __all__ as _responses
from .sending import *  # noqa: F403
from .sending import __all__ as _sending
from .surveys import *  # noqa: F403
from .surveys import __all__ as _surveys

__all__ = [*_surveys, *_responses, *_sending, *_outcomes]
