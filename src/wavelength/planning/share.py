"""Read-only links to the roadmap: a signed token holding the view, its filters and who made
it. Whoever holds the link sees what its maker could read, without signing in, until it
expires or its maker's account is deactivated."""

from django.core import signing
from django.http import Http404

from wavelength.accounts.models import User
from wavelength.accounts.permissions import require_member

from .selectors import RoadmapFilter

SALT = "wavelength.planning.roadmap-share"
DAYS = 30
VIEWS = ("timeline", "board")


def make_token(*, user, view: str, filters: RoadmapFilter) -> str:
    """A link's token; the maker must be signed in (viewers may share what they read)."""
    require_member(user)
    view = view if view in VIEWS else "timeline"
    return signing.dumps({"u": user.pk, "v": view, "f": filters.as_dict()}, salt=SALT)


def read_token(token: str) -> tuple[User, str, RoadmapFilter]:
    """Who made the link, the view and its filters; 404 for a bad, expired or orphan token."""
    try:
        data = signing.loads(token, salt=SALT, max_age=DAYS * 86400)
        maker = User.objects.get(pk=data["u"], is_active=True)
        filters = RoadmapFilter(**{k: v for k, v in data["f"].items() if k in _FIELDS})
    except (signing.BadSignature, User.DoesNotExist, KeyError, TypeError, ValueError):
        raise Http404 from None
    return maker, data.get("v", "timeline"), filters


_FIELDS = set(RoadmapFilter.__dataclass_fields__)
