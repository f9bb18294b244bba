"""Writes for people, teams and API tokens. Each is one transaction and records its activity."""

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from wavelength.core import activity, versioning
from wavelength.core.exceptions import DomainError, NotFound

from . import audit
from .models import ApiToken, AuditKind, Membership, Role, SecurityPolicy, Team, User
from .permissions import require_admin, require_member

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
    audit.record(AuditKind.PERSON_CREATED, actor=actor, target=email, role=role)
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
        audit.record(AuditKind.ROLE_CHANGED, actor=actor, target=user.email, role=[user.role, role])
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
    audit.record(AuditKind.UNLOCKED, actor=actor, target=user.email)
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
        audit.record(AuditKind.TEAM_CHANGED, actor=actor, target=team.name, added=user.email)
    return membership


@transaction.atomic
def membership_remove(*, actor, team: Team, user: User) -> None:
    require_admin(actor)
    deleted, _count = Membership.objects.filter(team=team, user=user).delete()
    if deleted:
        activity.record(actor=actor, verb="member_removed", target=team, member=user.email)
        audit.record(AuditKind.TEAM_CHANGED, actor=actor, target=team.name, removed=user.email)


# Single sign-on ---------------------------------------------------------------------------

ROLE_RANK = {Role.VIEWER: 0, Role.EDITOR: 1, Role.ADMIN: 2}


def sso_mapping(text: str) -> dict[str, str]:
    """``"group=value, group2=value2"`` (a setting) as ``{group: value}``."""
    pairs = (item.split("=", 1) for item in (text or "").split(",") if "=" in item)
    return {group.strip(): value.strip() for group, value in pairs if group.strip()}


@transaction.atomic
def sso_sign_in(*, user: User | None, email: str, name: str, groups: set[str]) -> User:
    """The person the identity provider signed in, created when new, with the role its groups
    give (``OIDC_ROLE_GROUPS``; none of them: ``OIDC_DEFAULT_ROLE``) and, for every team
    ``OIDC_TEAM_GROUPS`` names, a membership exactly when the person is in its group. Teams
    the setting does not name are left alone; every change is recorded, with the provider as
    the actor (``via="sso"``)."""
    from django.conf import settings

    roles = sso_mapping(settings.OIDC_ROLE_GROUPS)
    granted = [roles[g] for g in groups if roles.get(g) in Role.values]
    role = max(granted, key=ROLE_RANK.get) if granted else settings.OIDC_DEFAULT_ROLE
    if user is None:
        user = user_create(actor=None, email=email, password=None, name=name, role=role)
    else:
        if name and not user.name:
            user.name = name
            user.save(update_fields=["name"])
        others = User.objects.filter(role=Role.ADMIN, is_active=True).exclude(pk=user.pk)
        keeps_an_admin = role == Role.ADMIN or user.role != Role.ADMIN or others.exists()
        # Without a role mapping, roles are set in Wavelength; with one, the provider rules.
        if roles and user.role != role and keeps_an_admin:
            activity.record(
                actor=None, verb="updated", target=user,
                changes={"role": [user.role, role]}, via="sso",
            )  # fmt: skip
            audit.record(
                AuditKind.ROLE_CHANGED, email=user.email, target=user.email,
                role=[user.role, role], via="sso",
            )  # fmt: skip
            user.role = role
            user.save(update_fields=["role"])
    teams = sso_mapping(settings.OIDC_TEAM_GROUPS)
    wanted = {slug for group, slug in teams.items() if group in groups}
    for team in Team.objects.filter(slug__in=set(teams.values())):
        member = Membership.objects.filter(team=team, user=user)
        if team.slug in wanted and not member.exists():
            Membership.objects.create(team=team, user=user)
            activity.record(actor=None, verb="member_added", target=team, member=user.email)
            audit.record(
                AuditKind.TEAM_CHANGED, email=user.email, target=team.name,
                added=user.email, via="sso",
            )  # fmt: skip
        elif team.slug not in wanted and member.exists():
            member.delete()
            activity.record(actor=None, verb="member_removed", target=team, member=user.email)
            audit.record(
                AuditKind.TEAM_CHANGED, email=user.email, target=team.name,
                removed=user.email, via="sso",
            )  # fmt: skip
    return user


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
    audit.record(AuditKind.TOKEN_CREATED, actor=actor or user, target=user.email, token=token.name)
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
        audit.record(
            AuditKind.TOKEN_REVOKED, actor=actor, target=token.user.email, token=token.name
        )
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


# Two-factor sign-in (TOTP, django-otp) ----------------------------------------------------

RECOVERY_CODES = 10


def two_factor_device(user: User, *, confirmed: bool = True):
    """The person's authenticator app (TOTP device), confirmed or being set up; or ``None``."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).first()


def two_factor_enabled(user: User) -> bool:
    return two_factor_device(user) is not None


@transaction.atomic
def two_factor_begin(*, actor: User):
    """Start setting up an authenticator app: a new secret, shown once as a QR code, that
    counts only after a code from the app confirms it. Starting again replaces the secret."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    require_member(actor)
    if two_factor_enabled(actor):
        raise DomainError(_("Two-factor sign-in is already on."))
    TOTPDevice.objects.filter(user=actor, confirmed=False).delete()
    return TOTPDevice.objects.create(user=actor, name="Authenticator app", confirmed=False)


def _new_recovery_codes(user: User) -> list[str]:
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Recovery codes")
    codes = [StaticToken.random_token() for _i in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def two_factor_confirm(*, actor: User, code: str) -> list[str]:
    """Turn two-factor sign-in on with a code from the app; returns the recovery codes, which
    are shown once and never again. A wrong code changes nothing but counts towards the
    app's own throttling (each wrong code doubles the wait before the next try)."""
    require_member(actor)
    device = two_factor_device(actor, confirmed=False)
    if device is None:
        raise DomainError(_("Start the set-up again: scan a new QR code."), field="code")
    refused = _code_refused(device, code)  # outside a transaction: the throttle is kept
    if refused:
        raise DomainError(refused, field="code")
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _new_recovery_codes(actor)
        activity.record(actor=actor, verb="two_factor_enabled", target=actor)
        audit.record(
            AuditKind.TWO_FACTOR, actor=actor, target=actor.email, change="two_factor_enabled"
        )
    return codes


@transaction.atomic
def recovery_codes_renew(*, actor: User, password: str) -> list[str]:
    """New recovery codes (the old ones stop working); asks for the password again."""
    _require_password(actor, password)
    if not two_factor_enabled(actor):
        raise DomainError(_("Turn two-factor sign-in on first."))
    codes = _new_recovery_codes(actor)
    activity.record(actor=actor, verb="recovery_codes_renewed", target=actor)
    audit.record(
        AuditKind.TWO_FACTOR, actor=actor, target=actor.email, change="recovery_codes_renewed"
    )
    return codes


@transaction.atomic
def two_factor_disable(*, actor: User, password: str) -> User:
    """Turn two-factor sign-in off (asks for the password again). Refused to an administrator
    while the workspace requires it of administrators."""
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    _require_password(actor, password)
    if actor.is_admin and SecurityPolicy.current().admins_need_two_factor:
        raise DomainError(_("Administrators must use two-factor sign-in in this workspace."))
    TOTPDevice.objects.filter(user=actor).delete()
    StaticDevice.objects.filter(user=actor).delete()
    activity.record(actor=actor, verb="two_factor_disabled", target=actor)
    audit.record(
        AuditKind.TWO_FACTOR, actor=actor, target=actor.email, change="two_factor_disabled"
    )
    return actor


@transaction.atomic
def two_factor_reset(*, actor, user: User) -> None:
    """An administrator turns someone's two-factor sign-in off (a lost phone and lost codes):
    they sign in with their password and set it up again."""
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    require_admin(actor)
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    activity.record(actor=actor, verb="two_factor_reset", target=user)
    audit.record(AuditKind.TWO_FACTOR, actor=actor, target=user.email, change="two_factor_reset")


def two_factor_verify(*, user: User, code: str):
    """The device that accepts ``code`` at sign-in, the app's six digits or one recovery code
    (used up); else a ``DomainError`` saying why. Wrong codes are throttled by django-otp."""
    from django_otp.plugins.otp_static.models import StaticDevice

    code = "".join((code or "").split()).lower()
    device = two_factor_device(user)
    if device is None:
        raise DomainError(_("Two-factor sign-in is off for this account."), field="code")
    if code.isdigit():
        refused = _code_refused(device, code)
        if refused:
            raise DomainError(refused, field="code")
        return device
    recovery = StaticDevice.objects.filter(user=user, confirmed=True).first()
    if recovery is not None and recovery.verify_token(code):
        return recovery
    raise DomainError(_("This recovery code is not valid, or was used already."), field="code")


def recovery_codes_left(user: User) -> int:
    from django_otp.plugins.otp_static.models import StaticToken

    return StaticToken.objects.filter(device__user=user).count()


@transaction.atomic
def security_policy_update(
    *, actor, admins_need_two_factor: bool, if_version: str | None = None
) -> SecurityPolicy:
    """Require two-factor sign-in of administrators (or not). The administrator who turns it
    on must use it already, so that nobody is locked out by their own setting."""
    require_admin(actor)
    policy = SecurityPolicy.current()
    policy = SecurityPolicy.objects.select_for_update().get(pk=policy.pk)
    versioning.check(policy, if_version)
    if admins_need_two_factor and not two_factor_enabled(actor):
        raise DomainError(
            _("Turn two-factor sign-in on for yourself first."), field="admins_need_two_factor"
        )
    before = policy.admins_need_two_factor
    if before != admins_need_two_factor:
        changes = {"admins_need_two_factor": [before, admins_need_two_factor]}
        activity.record(actor=actor, verb="updated", target=policy, changes=changes)
        audit.record(AuditKind.SETTINGS_CHANGED, actor=actor, target="sign-in policy", **changes)
        policy.admins_need_two_factor = admins_need_two_factor
        policy.save()
    return policy


def _code_refused(device, code: str) -> str | None:
    """Why the app's ``code`` is refused, or ``None`` when it is accepted. After a wrong code
    django-otp makes the next try wait (1, 2, 4… seconds): a code sent too soon is refused
    unread."""
    allowed, _details = device.verify_is_allowed()
    if not allowed:
        return _("Too many wrong codes: wait a few seconds and try again.")
    code = "".join((code or "").split())
    if len(code) == device.digits and code.isdigit() and device.verify_token(code):
        return None
    if not code.isdigit():
        device.throttle_increment()
    return _("This code is not the one your app shows now. Check the app and try again.")


def _require_password(actor: User, password: str) -> None:
    require_member(actor)
    if not actor.check_password(password or ""):
        raise DomainError(_("This password is not yours. Type it again."), field="password")
