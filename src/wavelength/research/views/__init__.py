"""Pages of the research app: surveys and the respondents' pages (``surveys``), the research
repository's studies, notes and highlights (``repository``), personas and competitors
(``market``)."""

from .market import *  # noqa: F403
from .repository import *  # noqa: F403
from .surveys import *  # noqa: F403
