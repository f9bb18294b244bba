"""Pages of the research app: surveys and the respondents' pages (``surveys``), and the
research repository: studies, notes, highlights, personas and competitors (``repository``)."""

from .repository import *  # noqa: F403
from .surveys import *  # noqa: F403
