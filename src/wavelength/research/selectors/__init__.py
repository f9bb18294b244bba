"""Reads of the research app, permission-checked: surveys and their results (``surveys``),
and the research repository (``repository``)."""

from .repository import *  # noqa: F403
from .surveys import *  # noqa: F403
from .surveys import _headline, _nps_counts, _summary  # noqa: F401 - the outcome reads them
