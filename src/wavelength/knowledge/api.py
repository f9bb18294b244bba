"""Knowledge API: spaces, pages, versions and diffs, governance actions and page search.

A PATCH carries the ``base_version`` it started from; when someone saved in between the answer
is 409 and nothing changes. Pages in a space the caller cannot see answer 404.
"""

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from wavelength.accounts.models import User
from wavelength.core.api import Pagination, References
from wavelength.core.exceptions import DomainError
from wavelength.core.schemas import (
    ERRORS,
    MAX_ID,
    VERSIONED_ERRORS,
    ErrorOut,
    IfMatch,
    set_etag,
)

from . import diff as text_diff
from . import selectors, services
from .links import render_page_body
from .models import Page, Space
from .schemas import (
    DiffOut,
    PageDetailOut,
    PageFilter,
    PageIn,
    PageOut,
    PagePatch,
    PageRefOut,
    PageSearchOut,
    PageSearchQuery,
    RestoreIn,
    SpaceIn,
    SpaceOut,
    StatusIn,
    VersionDetailOut,
    VersionIn,
    VersionOut,
)
from .search import page_search

router = Router(tags=["knowledge"])


def _page(user, page_id: int) -> Page:
    if not 0 < page_id <= MAX_ID:
        raise Http404
    return selectors.page_get(user=user, pk=page_id)


def _detail(user, page: Page) -> Page:
    page.html = str(
        render_page_body(page.body, pages=Page.objects.visible_to(user), space_slug=page.space.slug)
    )
    return page


def _space(user, slug: str | None, field: str = "space") -> Space | None:
    if not slug:
        return None
    refs = References()
    space = refs.get(Space.objects.all(), slug, field=field, alt="slug")
    refs.check()
    try:
        return selectors.space_get(user=user, slug=space.slug)
    except Http404:
        refs.unknown(field, Space, slug)
        refs.check()
        raise


def _owner(email: str | None) -> User | None:
    if not email:
        return None
    refs = References()
    user = refs.get(User.objects.all(), email, field="owner", alt="email")
    refs.check()
    return user


@router.get("/spaces", response={200: list[SpaceOut], **ERRORS}, url_name="space-list")
@paginate(Pagination)
def space_list(request):
    return selectors.space_list(user=request.auth)


@router.post("/spaces", response={201: SpaceOut, **ERRORS}, url_name="space-create")
def space_create(request, payload: SpaceIn):
    from wavelength.accounts.models import Team

    refs = References()
    teams = refs.get_many(Team.objects.all(), payload.teams, field="teams")
    refs.check()
    data = payload.dict(exclude={"teams"})
    return Status(201, services.space_create(actor=request.auth, teams=teams, **data))


@router.get("/pages", response={200: list[PageOut], **ERRORS}, url_name="page-list")
@paginate(Pagination)
def page_list(request, filters: Query[PageFilter]):
    return selectors.page_list(
        user=request.auth,
        space=_space(request.auth, filters.space),
        status=filters.status or "",
        owner=_owner(filters.owner),
    )


@router.post("/pages", response={201: PageDetailOut, **ERRORS}, url_name="page-create")
def page_create(request, payload: PageIn):
    space = _space(request.auth, payload.space)
    if space is None:
        raise DomainError(_("This field is required."), field="space")
    parent = None
    if payload.parent:
        refs = References()
        parent = refs.get(Page.objects.filter(space=space), payload.parent, field="parent")
        refs.check()
    page = services.page_create(
        actor=request.auth,
        space=space,
        title=payload.title,
        body=payload.body,
        parent=parent,
        status=payload.status,
        review_interval_days=payload.review_interval_days,
    )
    return Status(201, _detail(request.auth, _page(request.auth, page.pk)))


@router.get("/pages/{page_id}", response={200: PageDetailOut, **ERRORS}, url_name="page-detail")
def page_detail(request, page_id: int, response: HttpResponse):
    page = _page(request.auth, page_id)
    set_etag(response, page)
    return _detail(request.auth, page)


@router.patch(
    "/pages/{page_id}",
    response={200: PageDetailOut, **VERSIONED_ERRORS, 409: ErrorOut},
    url_name="page-update",
)
def page_update(
    request, page_id: int, payload: PagePatch, response: HttpResponse, if_match: IfMatch = None
):
    """Save a new version; 409 when ``base_version`` is not the current version, 412 when
    ``If-Match`` is not the page's current ETag."""
    page = _page(request.auth, page_id)
    data = payload.dict(exclude_unset=True)
    services.page_update(
        actor=request.auth,
        page=page,
        base_version=payload.base_version,
        title=data.get("title") or page.title,
        body=data["body"] if data.get("body") is not None else page.body,
        review_interval_days=data.get("review_interval_days") or services.MISSING,
        note=payload.note,
        if_version=if_match,
    )
    page = _page(request.auth, page_id)
    set_etag(response, page)
    return _detail(request.auth, page)


@router.get(
    "/pages/{page_id}/versions", response={200: list[VersionOut], **ERRORS}, url_name="version-list"
)
@paginate(Pagination)
def version_list(request, page_id: int):
    page = _page(request.auth, page_id)
    return selectors.version_list(user=request.auth, page=page)


@router.get(
    "/pages/{page_id}/versions/{number}",
    response={200: VersionDetailOut, **ERRORS},
    url_name="version-detail",
)
def version_detail(request, page_id: int, number: int):
    page = _page(request.auth, page_id)
    return selectors.version_get(user=request.auth, page=page, number=number)


@router.get("/pages/{page_id}/diff", response={200: DiffOut, **ERRORS}, url_name="page-diff")
def page_diff(request, page_id: int, a: int, b: int):
    """The side-by-side diff of versions ``a`` and ``b`` (HTML-escaped, changes in del/ins)."""
    page = _page(request.auth, page_id)
    old = selectors.version_get(user=request.auth, page=page, number=a)
    new = selectors.version_get(user=request.auth, page=page, number=b)
    result = text_diff.compare(old.body, new.body)
    return {"a": a, "b": b, "added": result.added, "removed": result.removed, "rows": result.rows}


@router.post(
    "/pages/{page_id}/restore", response={200: PageDetailOut, **ERRORS}, url_name="page-restore"
)
def page_restore(request, page_id: int, payload: RestoreIn):
    page = _page(request.auth, page_id)
    services.page_restore(
        actor=request.auth, page=page, number=payload.version, base_version=payload.base_version
    )
    return _detail(request.auth, _page(request.auth, page_id))


@router.post("/pages/{page_id}/status", response={200: PageOut, **ERRORS}, url_name="page-status")
def page_status(request, page_id: int, payload: StatusIn):
    return services.page_set_status(
        actor=request.auth, page=_page(request.auth, page_id), status=payload.status
    )


@router.post("/pages/{page_id}/approve", response={200: PageOut, **ERRORS}, url_name="page-approve")
def page_approve(request, page_id: int, payload: VersionIn):
    services.page_approve(
        actor=request.auth, page=_page(request.auth, page_id), version=payload.version
    )
    return _page(request.auth, page_id)


@router.post("/pages/{page_id}/verify", response={200: PageOut, **ERRORS}, url_name="page-verify")
def page_verify(request, page_id: int):
    return services.page_verify(actor=request.auth, page=_page(request.auth, page_id))


@router.post("/pages/{page_id}/read", response={200: PageOut, **ERRORS}, url_name="page-read")
def page_read(request, page_id: int):
    page = _page(request.auth, page_id)
    services.page_mark_read(actor=request.auth, page=page)
    return page


@router.get(
    "/pages/{page_id}/backlinks",
    response={200: list[PageRefOut], **ERRORS},
    url_name="page-backlinks",
)
def page_backlinks(request, page_id: int):
    page = _page(request.auth, page_id)
    return list(selectors.backlinks(user=request.auth, page=page))


@router.get("/knowledge/search", response={200: PageSearchOut, **ERRORS}, url_name="page-search")
def search(request, params: Query[PageSearchQuery]):
    """Pages matching every word (English variants too), titles first, with snippets in which
    the matched words are wrapped in ``<mark>``."""
    results = page_search(
        user=request.auth,
        q=params.q,
        space=_space(request.auth, params.space),
        owner=_owner(params.owner),
        status=params.status or "",
        limit=params.limit,
        offset=params.offset,
    )
    items = [{"page": hit.page, "snippet": str(hit.snippet)} for hit in results.hits]
    return {"items": items, "count": results.count}
