"""Who may read, write and manage what in the knowledge base (services and selectors ask here).

Anyone signed in reads the open spaces; a team-only space is read by the members of its teams
and by admins. Editors (and admins) write pages in the spaces they can read. A space's owners
and the admins manage the space itself.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from .models import Space, SpaceVisibility


def team_ids(user) -> set[int]:
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_knowledge_team_ids", None)
    if cached is None:
        cached = set(user.memberships.values_list("team_id", flat=True))
        user._knowledge_team_ids = cached
    return cached


def space_team_ids(space: Space) -> list[int]:
    cached = getattr(space, "_team_ids", None)
    if cached is None:
        cached = sorted(t.pk for t in space.teams.all())
        space._team_ids = cached
    return cached


def can_read_space(user, space: Space) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_admin or space.visibility == SpaceVisibility.EVERYONE:
        return True
    return bool(team_ids(user) & set(space_team_ids(space)))


def require_read(user, space: Space) -> None:
    """An unreadable space does not exist for that person: 404, never a hint it is there."""
    if not can_read_space(user, space):
        raise Http404


def require_write(user, space: Space) -> None:
    require_read(user, space)
    if not user.can_edit:
        raise PermissionDenied(_("Your role does not allow changes here."))


def can_manage_space(user, space: Space) -> bool:
    if not can_read_space(user, space):
        return False
    return user.is_admin or any(o.pk == user.pk for o in space.owners.all())


def require_manage(user, space: Space) -> None:
    require_read(user, space)
    if not can_manage_space(user, space):
        raise PermissionDenied(_("Only the space's owners or an administrator can do this."))
