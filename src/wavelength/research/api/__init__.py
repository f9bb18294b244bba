"""Research API (see docs/research.md): the surveys' endpoints (``surveys``) and the research
repository's (``repository``), on one router."""

from ninja import Router

router = Router(tags=["research"])

from . import surveys, repository  # noqa: E402, F401, I001 - they add their routes, in this order
