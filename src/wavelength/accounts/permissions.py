"""Role checks shared by every door (pages, API, command line): services call these."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _


def require_editor(user) -> None:
    if not getattr(user, "is_authenticated", False) or not user.can_edit:
        raise PermissionDenied(_("Your role does not allow changes here."))


def require_admin(user) -> None:
    if not getattr(user, "is_authenticated", False) or not user.is_admin:
        raise PermissionDenied(_("Only an administrator can do this."))


def require_member(user) -> None:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise PermissionDenied(_("Sign in to see this."))
