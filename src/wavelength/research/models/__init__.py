"""The research app's data: surveys with their questions, invitations and responses
(``surveys``), and the research repository (``repository``): studies with their participants,
interview notes, highlights, personas and competitors."""

from .repository import *  # noqa: F403
from .surveys import *  # noqa: F403
