"""Accounts API: people (read-only), teams, and the caller's personal API tokens."""

from django.http import Http404, HttpResponse
from ninja import Router, Status
from ninja.pagination import paginate

from wavelength.core.api import Pagination, References
from wavelength.core.schemas import ERRORS, VERSIONED_ERRORS, Id, IfMatch, set_etag

from . import selectors, services
from .models import Team
from .schemas import (
    TeamDetailOut,
    TeamIn,
    TeamOut,
    TeamPatch,
    TokenCreatedOut,
    TokenIn,
    TokenOut,
    UserOut,
    UserPatch,
)

router = Router()


# People -----------------------------------------------------------------------------------


@router.get("/me", response={200: UserOut, **ERRORS}, url_name="me", tags=["users"])
def me(request):
    """The person the request is authenticated as."""
    return selectors.user_list(user=request.auth).get(pk=request.auth.pk)


@router.get("/users", response={200: list[UserOut], **ERRORS}, url_name="user-list", tags=["users"])
@paginate(Pagination)
def user_list(request):
    """Active people, with their teams."""
    return selectors.user_list(user=request.auth)


@router.get(
    "/users/{user_id}", response={200: UserOut, **ERRORS}, url_name="user-detail", tags=["users"]
)
def user_detail(request, user_id: Id, response: HttpResponse):
    person = selectors.user_get(user=request.auth, pk=user_id)
    set_etag(response, person)
    return person


@router.patch(
    "/users/{user_id}",
    response={200: UserOut, **VERSIONED_ERRORS},
    url_name="user-update",
    tags=["users"],
)
def user_update(
    request, user_id: Id, payload: UserPatch, response: HttpResponse, if_match: IfMatch = None
):
    """Change a person's manager or role (administrators only)."""
    person = selectors.user_get(user=request.auth, pk=user_id)
    data = payload.dict(exclude_unset=True)
    if "manager" in data:
        refs = References()
        data["manager"] = refs.get(
            selectors.user_list(user=request.auth), data["manager"], field="manager", alt="email"
        )
        refs.check()
    services.user_update(actor=request.auth, user=person, if_version=if_match, **data)
    person = selectors.user_list(user=request.auth).get(pk=user_id)
    set_etag(response, person)
    return person


# Teams ------------------------------------------------------------------------------------


def _team(user, slug: str) -> Team:
    """A team with its active members, as the detail schema shows them."""
    if "\x00" in slug:  # PostgreSQL refuses it in a query; no team has it
        raise Http404
    team = selectors.team_get(user=user, slug=slug)
    team.active_members = list(selectors.team_members(user=user, team=team))
    return team


@router.get("/teams", response={200: list[TeamOut], **ERRORS}, url_name="team-list", tags=["teams"])
@paginate(Pagination)
def team_list(request):
    return selectors.team_list(user=request.auth)


@router.post(
    "/teams", response={201: TeamDetailOut, **ERRORS}, url_name="team-create", tags=["teams"]
)
def team_create(request, payload: TeamIn):
    """Add a team (administrators only)."""
    team = services.team_create(actor=request.auth, **payload.dict())
    return Status(201, _team(request.auth, team.slug))


@router.get(
    "/teams/{slug}", response={200: TeamDetailOut, **ERRORS}, url_name="team-detail", tags=["teams"]
)
def team_detail(request, slug: str, response: HttpResponse):
    team = _team(request.auth, slug)
    set_etag(response, team)
    return team


@router.patch(
    "/teams/{slug}",
    response={200: TeamDetailOut, **VERSIONED_ERRORS},
    url_name="team-update",
    tags=["teams"],
)
def team_update(
    request, slug: str, payload: TeamPatch, response: HttpResponse, if_match: IfMatch = None
):
    """Rename a team or change its description (administrators only)."""
    team = _team(request.auth, slug)
    data = payload.dict(exclude_unset=True)
    services.team_update(
        actor=request.auth,
        team=team,
        name=data.get("name", team.name),
        description=data.get("description", team.description),
        if_version=if_match,
    )
    team = _team(request.auth, slug)
    set_etag(response, team)
    return team


# Personal API tokens ----------------------------------------------------------------------


@router.get(
    "/tokens", response={200: list[TokenOut], **ERRORS}, url_name="token-list", tags=["tokens"]
)
@paginate(Pagination)
def token_list(request):
    """The caller's own tokens: active ones first, then revoked, newest first."""
    return selectors.token_list(user=request.auth)


@router.post(
    "/tokens", response={201: TokenCreatedOut, **ERRORS}, url_name="token-create", tags=["tokens"]
)
def token_create(request, payload: TokenIn):
    """Create a token for the caller. The secret is in this response only: keep it."""
    token, raw = services.token_create(actor=request.auth, user=request.auth, name=payload.name)
    token.token = raw
    return Status(201, token)


@router.delete(
    "/tokens/{token_id}", response={204: None, **ERRORS}, url_name="token-revoke", tags=["tokens"]
)
def token_revoke(request, token_id: Id):
    """Revoke a token: requests sending it are refused from now on."""
    token = selectors.token_get_for_user(user=request.auth, pk=token_id)
    services.token_revoke(actor=request.auth, token=token)
    return Status(204, None)
