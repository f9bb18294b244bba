"""Reads of people, teams and tokens. Each checks that the reader may see them."""

from django.db.models import Count, Exists, F, OuterRef, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from .models import ApiToken, Team, User
from .permissions import require_admin, require_member


def user_list(*, user) -> QuerySet[User]:
    """Active people with their teams, by name, and whether they use two-factor sign-in."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    require_member(user)
    devices = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
    return (
        User.objects.filter(is_active=True)
        .annotate(two_factor=Exists(devices))
        .select_related("manager")
        .prefetch_related(Prefetch("teams", queryset=Team.objects.order_by("name")))
    )


def user_get(*, user, pk: int) -> User:
    require_member(user)
    return get_object_or_404(User, pk=pk, is_active=True)


def team_list(*, user) -> QuerySet[Team]:
    """Teams with how many members they have and how many features they own."""
    require_member(user)
    # ``features`` is the catalog's reverse relation; counting it needs no import of catalog.
    members = User.objects.filter(is_active=True).order_by("name", "email")
    return Team.objects.annotate(
        member_count=Count("memberships", distinct=True),
        feature_count=Count("features", distinct=True),
    ).prefetch_related(Prefetch("members", queryset=members, to_attr="active_members"))


def team_get(*, user, slug: str) -> Team:
    require_member(user)
    return get_object_or_404(Team, slug=slug)


def team_members(*, user, team: Team) -> QuerySet[User]:
    require_member(user)
    return team.members.filter(is_active=True).order_by("name", "email")


def team_owned_features(*, user, team: Team) -> QuerySet:
    """The features the team owns, grouped by product (the catalog's reverse relation)."""
    require_member(user)
    return team.features.select_related("product").order_by("product__name", "title")


def token_list(*, user) -> QuerySet[ApiToken]:
    """The reader's own tokens, newest first, revoked ones included."""
    require_member(user)
    return ApiToken.objects.filter(user=user).order_by(
        F("revoked_at").desc(nulls_first=True), "-created_at"
    )


def token_get_for_user(*, user, pk: int) -> ApiToken:
    """A token of the reader; an admin may fetch anyone's. Others get a 404, not a hint."""
    require_member(user)
    tokens = ApiToken.objects.all() if user.is_admin else ApiToken.objects.filter(user=user)
    return get_object_or_404(tokens, pk=pk)


def audit_events(*, user, kind: str = "", who: str = "", address: str = "", since=None, until=None):
    """The audit log, newest first, for administrators only; filtered by event, person
    (part of the e-mail), address and dates (inclusive)."""
    from .models import AuditEvent

    require_admin(user)
    events = AuditEvent.objects.all()
    if kind:
        events = events.filter(kind=kind)
    if who:
        events = events.filter(actor_email__icontains=who.strip())
    if address:
        events = events.filter(address=address)
    if since:
        events = events.filter(at__date__gte=since)
    if until:
        events = events.filter(at__date__lte=until)
    return events
