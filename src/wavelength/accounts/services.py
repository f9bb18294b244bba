"""Writes for people, teams and API tokens. Each is one transaction and records its activity."""

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from wavelength.core import activity, versioning
from wavelength.core.exceptions import DomainError, NotFound

from .models import ApiToken, Membership, Role, Team, User
from .permissions import require_admin

TOKEN_PREFIX = "wl_"
RESERVED_TEAM_SLUGS = {"new"}  # would clash with /accounts/teams/new/


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def user_create(
    *, actor, email: str, password: str | None, name: str = "", role: str = Role.VIEWER
) -> User:
    """Create a person. ``actor`` may be ``None`` only for the command line and demo."""
    if actor is not None:
        require_admin(actor)
    email = (email or "").strip().lower()
    if not email or "@" not in email:
        raise DomainError(_("Enter a valid e-mail address."), field="email")
    if role not in Role.values:
        raise DomainError(_("Unknown role “%(role)s”.") % {"role": role}, field="role")
    if User.objects.filter(email=email).exists():
        raise DomainError(_("A person with this e-mail already exists."), field="email")
    user = User.objects.create_user(email=email, password=password, name=name, role=role)
    activity.record(
        actor=actor, verb="created", target=user, snapshot={"email": email, "role": role}
    )
    return user


@transaction.atomic
def user_set_role(*, actor, user: User, role: str) -> User:
    require_admin(actor)
    if role not in Role.values:
        raise DomainError(_("Unknown role “%(role)s”.") % {"role": role}, field="role")
    other_admins = User.objects.filter(role=Role.ADMIN, is_active=True).exclude(pk=user.pk)
    if user.role == Role.ADMIN and role != Role.ADMIN and not other_admins.exists():
        raise DomainError(_("The workspace needs at least one administrator."), field="role")
    if user.role != role:
        activity.record(
            actor=actor, verb="updated", target=user, changes={"role": [user.role, role]}
        )
        user.role = role
        user.save(update_fields=["role"])
    return user


@transaction.atomic
def user_unlock(*, actor, user: User) -> int:
    """Let a person sign in again after too many wrong passwords (administrators); returns
    how many counted attempts were forgotten."""
    from axes.utils import reset

    require_admin(actor)
    forgotten = reset(username=user.email.lower())
    activity.record(actor=actor, verb="unlocked", target=user)
    return forgotten


_UNCHANGED = object()


@transaction.atomic
def user_update(
    *, actor, user: User, role=_UNCHANGED, manager=_UNCHANGED, if_version: str | None = None
) -> User:
    """Change a person's role and/or manager in one go; ``if_version`` refuses a stale edit."""
    require_admin(actor)
    user = User.objects.select_for_update().get(pk=user.pk)
    versioning.check(user, if_version)
    if manager is not _UNCHANGED:
        user = user_set_manager(actor=actor, user=user, manager=manager)
    if role is not _UNCHANGED and role:
        user = user_set_role(actor=actor, user=user, role=role)
    return user


@transaction.atomic
def user_set_manager(*, actor, user: User, manager: User | None) -> User:
    """Name the person's manager (``None``: nobody). A manager cannot report to their report."""
    require_admin(actor)
    if manager is not None:
        if manager.pk == user.pk:
            raise DomainError(_("A person cannot be their own manager."), field="manager")
        if not manager.is_active:
            raise DomainError(_("This person cannot sign in any more."), field="manager")
        chain, seen = manager, set()
        while chain is not None and chain.pk not in seen:
            if chain.pk == user.pk:
                raise DomainError(
                    _("%(manager)s reports to %(person)s already.")
                    % {"manager": manager, "person": user},
                    field="manager",
                )
            seen.add(chain.pk)
            chain = chain.manager
    old = user.manager.email if user.manager_id else None
    new = manager.email if manager else None
    if old != new:
        user.manager = manager
        user.save(update_fields=["manager"])
        activity.record(actor=actor, verb="updated", target=user, changes={"manager": [old, new]})
    return user


@transaction.atomic
def team_create(*, actor, name: str, description: str = "") -> Team:
    if actor is not None:
        require_admin(actor)
    name = (name or "").strip()
    if not name:
        raise DomainError(_("A team needs a name."), field="name")
    slug = slugify(name)
    if not slug or slug in RESERVED_TEAM_SLUGS:
        raise DomainError(_("Choose another name for this team."), field="name")
    if Team.objects.filter(slug=slug).exists() or Team.objects.filter(name__iexact=name).exists():
        raise DomainError(_("A team with this name already exists."), field="name")
    team = Team.objects.create(name=name, slug=slug, description=description)
    activity.record(
        actor=actor,
        verb="created",
        target=team,
        snapshot={"name": name, "description": description},
    )
    return team


@transaction.atomic
def team_update(
    *, actor, team: Team, name: str, description: str = "", if_version: str | None = None
) -> Team:
    """Rename a team or change its description; ``if_version`` refuses a stale edit."""
    require_admin(actor)
    team = Team.objects.select_for_update().get(pk=team.pk)
    versioning.check(team, if_version)
    name = (name or "").strip()
    if not name:
        raise DomainError(_("A team needs a name."), field="name")
    if Team.objects.exclude(pk=team.pk).filter(name__iexact=name).exists():
        raise DomainError(_("A team with this name already exists."), field="name")
    before = {"name": team.name, "description": team.description}
    team.name, team.description = name, description
    team.save(update_fields=["name", "description"])
    changes = activity.diff(before, {"name": name, "description": description})
    if changes:
        activity.record(actor=actor, verb="updated", target=team, changes=changes)
    return team


@transaction.atomic
def team_delete(*, actor, team: Team) -> None:
    require_admin(actor)
    activity.record(actor=actor, verb="deleted", target=team)
    team.delete()


@transaction.atomic
def membership_add(*, actor, team: Team, user: User) -> Membership:
    if actor is not None:
        require_admin(actor)
    membership, created = Membership.objects.get_or_create(team=team, user=user)
    if created:
        activity.record(actor=actor, verb="member_added", target=team, member=user.email)
    return membership


@transaction.atomic
def membership_remove(*, actor, team: Team, user: User) -> None:
    require_admin(actor)
    deleted, _count = Membership.objects.filter(team=team, user=user).delete()
    if deleted:
        activity.record(actor=actor, verb="member_removed", target=team, member=user.email)


@transaction.atomic
def token_create(*, actor, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token for ``user``; returns it and the secret, which is never stored."""
    if actor is not None and actor.pk != user.pk:
        require_admin(actor)
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Give the token a name."), field="name")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name[:100], prefix=raw[:10], key_hash=_hash(raw)
    )
    activity.record(actor=actor or user, verb="token_created", target=user, token=token.name)
    return token, raw


@transaction.atomic
def token_revoke(*, actor, token: ApiToken) -> ApiToken:
    """Revoke a token. ``actor`` may be ``None`` only for the command line."""
    if actor is not None and actor.pk != token.user_id:
        require_admin(actor)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        activity.record(actor=actor, verb="token_revoked", target=token.user, token=token.name)
    return token


def token_authenticate(raw: str) -> User | None:
    """The active user behind a raw token, updating its last-used time; ``None`` if invalid."""
    if not raw or not raw.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.active().select_related("user").filter(key_hash=_hash(raw)).first()
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def user_get_by_email(email: str) -> User:
    try:
        return User.objects.get(email=(email or "").strip().lower())
    except User.DoesNotExist:
        message = _("No person with e-mail %(email)s.") % {"email": email}
        raise NotFound(message, field="email") from None
