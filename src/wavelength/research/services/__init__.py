"""Every write of the research app, one transaction each, recorded in the activity log:
building surveys (``surveys``), answering them (``responses``), sending them by e-mail with
reminders and unsubscribe links (``sending``), the follow-up after a feature or a release
ships (``outcomes``); the research repository's studies, notes and highlights (``studies``),
personas and competitors (``market``).

Editors build and send surveys; every member reads them and their results. Respondents need
no account: their answers come through a public or personal link.
"""

from .market import *  # noqa: F403
from .market import __all__ as _market
from .outcomes import *  # noqa: F403
from .outcomes import __all__ as _outcomes
from .responses import *  # noqa: F403
from .responses import __all__ as _responses
from .sending import *  # noqa: F403
from .sending import __all__ as _sending
from .studies import *  # noqa: F403
from .studies import __all__ as _studies
from .surveys import *  # noqa: F403
from .surveys import __all__ as _surveys

__all__ = [*_surveys, *_responses, *_sending, *_outcomes, *_studies, *_market]
