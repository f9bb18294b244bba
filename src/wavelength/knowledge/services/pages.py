"""Writing spaces and pages: every save is a version, links are stored, the search index kept."""

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from wavelength.accounts.permissions import require_editor
from wavelength.core import activity, clock, search, versioning
from wavelength.core.exceptions import Conflict, DomainError
from wavelength.core.markdown import wiki_links

from .. import links as link_index
from ..access import require_manage, require_write, space_team_ids
from ..models import (
    Attachment,
    Page,
    PageLink,
    PageStatus,
    PageVersion,
    Space,
    SpaceVisibility,
)

MISSING = object()
MAX_BODY = 500_000
MAX_REVIEW_DAYS = 3650


def required(value: str | None, field: str, max_length: int) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(_("This field is required."), field=field)
    if len(value) > max_length:
        raise DomainError(_("At most %(n)d characters.") % {"n": max_length}, field=field)
    return value


def _body(value: str | None) -> str:
    value = (value or "").replace("\r\n", "\n")
    if len(value) > MAX_BODY:
        raise DomainError(_("At most %(n)d characters.") % {"n": MAX_BODY}, field="body")
    return value


def _review_days(value) -> int:
    try:
        days = int(value)
    except (TypeError, ValueError):
        raise DomainError(
            _("Enter a whole number of days."), field="review_interval_days"
        ) from None
    if not 1 <= days <= MAX_REVIEW_DAYS:
        raise DomainError(
            _("Between 1 and %(n)d days.") % {"n": MAX_REVIEW_DAYS}, field="review_interval_days"
        )
    return days


# Spaces -----------------------------------------------------------------------------------


# Addresses under /docs/ that a space cannot take.
RESERVED_SLUGS = {"new", "search", "review", "import", "pages", "files", "spaces"}


def _space_slug(name: str, slug: str | None, pk=None) -> str:
    slug = slugify(slug or name)[:120]
    if slug in RESERVED_SLUGS:
        slug = f"{slug}-space"
    if not slug:
        raise DomainError(_("Use at least one letter or digit."), field="slug")
    if Space.objects.filter(slug=slug).exclude(pk=pk).exists():
        raise DomainError(_("Another space already uses this address."), field="slug")
    return slug


def _check_visibility(visibility: str, teams) -> None:
    if visibility not in SpaceVisibility.values:
        raise DomainError(_("Choose everyone or chosen teams."), field="visibility")
    if visibility == SpaceVisibility.TEAMS and not list(teams):
        raise DomainError(_("Choose at least one team."), field="teams")


@transaction.atomic
def space_create(
    *,
    actor,
    name: str,
    description: str = "",
    slug: str | None = None,
    visibility: str = SpaceVisibility.EVERYONE,
    teams: Iterable = (),
    owners: Iterable = (),
    approvers: Iterable = (),
) -> Space:
    """A new space; whoever creates it owns it (with the owners named)."""
    require_editor(actor)
    name = required(name, "name", 120)
    if Space.objects.filter(name__iexact=name).exists():
        raise DomainError(_("Another space already has this name."), field="name")
    teams = list(teams)
    _check_visibility(visibility, teams)
    space = Space.objects.create(
        name=name,
        slug=_space_slug(name, slug),
        description=(description or "").strip(),
        visibility=visibility,
        position=Space.objects.count(),
    )
    space.teams.set(teams)
    space.owners.set({actor, *owners})
    space.approvers.set(list(approvers))
    activity.record(
        actor=actor,
        verb="created",
        target=space,
        scope=f"knowledge.space:{space.pk}",
        snapshot=activity.snapshot(space, Space.TRACKED),
    )
    return space


@transaction.atomic
def space_update(
    *,
    actor,
    space: Space,
    name: str,
    description: str = "",
    visibility: str = SpaceVisibility.EVERYONE,
    teams: Iterable = (),
    owners: Iterable = (),
    approvers: Iterable = (),
    if_version: str | None = None,
) -> Space:
    """Change a space; who can see it changes for its pages everywhere, search included.
    ``if_version`` refuses a stale edit."""
    require_manage(actor, space)
    space = Space.objects.select_for_update().get(pk=space.pk)
    versioning.check(space, if_version)
    before = activity.snapshot(space, Space.TRACKED)
    name = required(name, "name", 120)
    if Space.objects.filter(name__iexact=name).exclude(pk=space.pk).exists():
        raise DomainError(_("Another space already has this name."), field="name")
    teams, owners = list(teams), list(owners)
    _check_visibility(visibility, teams)
    if not owners:
        raise DomainError(_("A space needs at least one owner."), field="owners")
    space.name, space.description, space.visibility = name, (description or "").strip(), visibility
    space.save()
    space.teams.set(teams)
    space.owners.set(owners)
    space.approvers.set(list(approvers))
    changes = activity.diff(before, activity.snapshot(space, Space.TRACKED))
    if changes:
        activity.record(
            actor=actor, verb="updated", target=space, scope=page_scope(space), changes=changes
        )
    if {"visibility", "teams"} & set(changes):
        space._team_ids = None
        for page in space.pages.select_related("space").iterator(chunk_size=500):
            index_page(page)
    return space


def page_scope(space: Space) -> str:
    return f"knowledge.space:{space.pk}"


# Pages ------------------------------------------------------------------------------------


def audience(space: Space) -> list[int]:
    """The teams allowed to find the space's pages in the global search ([] = everyone)."""
    return space_team_ids(space) if space.visibility == SpaceVisibility.TEAMS else []


def index_page(page: Page) -> None:
    search.index(
        kind="page",
        object_id=page.pk,
        title=page.title,
        body=page.body,
        url=page.get_absolute_url(),
        audience=audience(page.space),
    )


def store_links(page: Page) -> None:
    """Replace the page's link rows with the links of its current text."""
    wanted = wiki_links(page.body)[: link_index.MAX_LINKS]
    targets = link_index.resolve(wanted)
    PageLink.objects.filter(page=page).delete()
    PageLink.objects.bulk_create(
        PageLink(
            page=page,
            kind=link.kind,
            key=link.key.casefold()[:200],
            target_id=getattr(targets.get(link.ref), "pk", None),
        )
        for link in wanted
    )


def _claim_links(page: Page) -> None:
    # Links written before this page existed now point at it.
    PageLink.objects.filter(kind="page", target_id=None, key=page.title.casefold()[:200]).update(
        target_id=page.pk
    )


def _page_slug(space: Space, title: str, slug: str | None, pk=None) -> str:
    base = slugify(slug or title)[:180] or "page"
    if slug:
        if Page.objects.filter(space=space, slug=base).exclude(pk=pk).exists():
            raise DomainError(_("Another page of this space uses this address."), field="slug")
        return base
    taken = set(
        Page.objects.filter(space=space, slug__startswith=base)
        .exclude(pk=pk)
        .values_list("slug", flat=True)
    )
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def _check_parent(space: Space, parent: Page | None, page: Page | None = None) -> None:
    if parent is None:
        return
    if parent.space_id != space.pk:
        raise DomainError(_("The parent page must be in the same space."), field="parent")
    node, hops = parent, 0
    while node is not None and hops < 100:
        if page is not None and node.pk == page.pk:
            raise DomainError(_("A page cannot sit under itself."), field="parent")
        node, hops = node.parent, hops + 1


def _review_due(days: int, start: dt.date | None = None) -> dt.date:
    return (start or clock.now().date()) + dt.timedelta(days=days)


@transaction.atomic
def page_create(
    *,
    actor,
    space: Space,
    title: str,
    body: str = "",
    parent: Page | None = None,
    owner=None,
    status: str = PageStatus.DRAFT,
    review_interval_days: int | None = None,
    slug: str | None = None,
    approvers: Iterable = (),
    note: str = "",
) -> Page:
    """A new page (its first version); the author owns it unless someone else is named."""
    require_write(actor, space)
    title = required(title, "title", 200)
    body = _body(body)
    if status not in PageStatus.values:
        raise DomainError(_("Unknown status."), field="status")
    _check_parent(space, parent)
    days = _review_days(review_interval_days or 180)
    now = clock.now()
    page = Page.objects.create(
        space=space,
        parent=parent,
        title=title,
        slug=_page_slug(space, title, slug),
        body=body,
        owner=owner or actor,
        status=PageStatus.DRAFT,
        review_interval_days=days,
        review_due_on=_review_due(days, now.date()),
        position=Page.objects.filter(space=space, parent=parent).count(),
        created_at=now,
        updated_at=now,
    )
    page.approvers.set(list(approvers))
    PageVersion.objects.create(
        page=page, number=1, title=title, body=body, author=actor, note=note[:200], created_at=now
    )
    activity.record(
        actor=actor,
        verb="created",
        target=page,
        scope=page_scope(space),
        snapshot=activity.snapshot(page, Page.TRACKED),
    )
    store_links(page)
    _claim_links(page)
    index_page(page)
    if status != PageStatus.DRAFT:
        from .governance import page_set_status

        page = page_set_status(actor=actor, page=page, status=status)
    return page


@transaction.atomic
def page_update(
    *,
    actor,
    page: Page,
    base_version: int | None,
    title: str,
    body: str,
    parent=MISSING,
    owner=MISSING,
    review_interval_days=MISSING,
    approvers=MISSING,
    slug: str | None = None,
    note: str = "",
    if_version: str | None = None,
) -> Page:
    """Save the page's text as a new version, if it started from the current one.

    ``base_version`` is the version the editor started from: when someone saved in between,
    the save is refused (:class:`Conflict`, 409) and nothing changes, so the editor can compare
    both texts and save again from the new version. ``if_version`` (an API ``If-Match``) is
    checked the same way, answering 412.
    """
    page = Page.objects.select_for_update().select_related("space").get(pk=page.pk)
    require_write(actor, page.space)
    versioning.check(page, if_version)
    if base_version is not None and int(base_version) != page.version:
        raise Conflict(
            _(
                "Someone saved this page (version %(current)d) after you started editing "
                "version %(base)d."
            )
            % {"current": page.version, "base": int(base_version)},
            field="base_version",
        )
    title = required(title, "title", 200)
    body = _body(body)
    before = activity.snapshot(page, Page.TRACKED)
    text_changed = title != page.title or body != page.body
    if parent is not MISSING:
        _check_parent(page.space, parent, page)
        page.parent = parent
    if owner is not MISSING:
        page.owner = owner
    if review_interval_days is not MISSING and review_interval_days is not None:
        days = _review_days(review_interval_days)
        if days != page.review_interval_days:
            start = page.verified_at.date() if page.verified_at else page.created_at.date()
            page.review_interval_days, page.review_due_on = days, _review_due(days, start)
    if slug:
        page.slug = _page_slug(page.space, title, slug, page.pk)
    old_title = page.title
    page.title, page.body = title, body
    now = clock.now()
    if text_changed:
        page.version += 1
        PageVersion.objects.create(
            page=page,
            number=page.version,
            title=title,
            body=body,
            author=actor,
            note=note[:200],
            created_at=now,
        )
        if page.status == PageStatus.PUBLISHED and _needs_approval(page):
            # The approval belonged to the text it approved; this one needs its own.
            page.status = PageStatus.IN_REVIEW
    page.updated_at = now
    page.save()
    if approvers is not MISSING:
        page.approvers.set(list(approvers))
    changes = activity.diff(before, activity.snapshot(page, Page.TRACKED))
    if text_changed or changes:
        activity.record(
            actor=actor,
            verb="updated",
            target=page,
            scope=page_scope(page.space),
            changes=changes or None,
            version=page.version if text_changed else None,
        )
    if text_changed:
        store_links(page)
        if old_title.casefold() != title.casefold():
            _claim_links(page)
        index_page(page)
    return page


def _needs_approval(page: Page) -> bool:
    from .governance import approvers_of

    return bool(approvers_of(page))


@transaction.atomic
def page_restore(*, actor, page: Page, number: int, base_version: int | None = None) -> Page:
    """Make an old version's text the current one, as a new version (history is kept)."""
    require_write(actor, page.space)
    old = PageVersion.objects.filter(page=page, number=number).first()
    if old is None:
        raise DomainError(_("This page has no version %(n)s.") % {"n": number}, field="version")
    return page_update(
        actor=actor,
        page=page,
        base_version=base_version,
        title=old.title,
        body=old.body,
        note=_("Restored version %(n)d") % {"n": number},
    )


@transaction.atomic
def page_delete(*, actor, page: Page) -> None:
    """Delete a page without sub-pages (its versions go with it)."""
    require_manage(actor, page.space)
    if page.children.exists():
        raise DomainError(_("Move or delete its sub-pages first."), field="parent")
    activity.record(actor=actor, verb="deleted", target=page, scope=page_scope(page.space))
    search.remove(kind="page", object_id=page.pk)
    PageLink.objects.filter(kind="page", target_id=page.pk).update(target_id=None)
    for attachment in page.attachments.all():
        attachment.file.delete(save=False)
    page.delete()


# Attachments ------------------------------------------------------------------------------


def _max_upload() -> int:
    return int(getattr(settings, "KNOWLEDGE_MAX_UPLOAD_BYTES", 10 * 1024 * 1024))


@transaction.atomic
def attachment_add(*, actor, page: Page, upload) -> Attachment:
    """Keep an uploaded file with the page (in the data directory, never public)."""
    require_write(actor, page.space)
    name = check_upload(upload)
    attachment = Attachment(
        page=page,
        name=name,
        size=upload.size,
        content_type=(getattr(upload, "content_type", "") or "")[:100],
        uploaded_by=actor,
    )
    attachment.file.save(name, upload, save=False)
    attachment.save()
    activity.record(
        actor=actor,
        verb="attached",
        target=page,
        scope=page_scope(page.space),
        attachment=name,
    )
    return attachment


def check_upload(upload) -> str:
    """The safe file name of an upload within the size limit (also used for the lessons'
    files); a :class:`DomainError` otherwise."""
    if upload is None:
        raise DomainError(_("Choose a file to upload."), field="file")
    limit = _max_upload()
    if upload.size > limit:
        raise DomainError(
            _("This file is %(size)s MB; the limit is %(limit)s MB.")
            % {"size": round(upload.size / 1048576, 1), "limit": round(limit / 1048576, 1)},
            field="file",
        )
    return slugify_filename(upload.name)


def slugify_filename(name: str) -> str:
    stem, dot, ext = (name or "file").rpartition(".")
    if not dot:
        stem, ext = ext, ""
    stem = slugify(stem)[:80] or "file"
    ext = slugify(ext)[:10]
    return f"{stem}.{ext}" if ext else stem


@transaction.atomic
def attachment_delete(*, actor, attachment: Attachment) -> None:
    require_write(actor, attachment.page.space)
    activity.record(
        actor=actor,
        verb="detached",
        target=attachment.page,
        scope=page_scope(attachment.page.space),
        attachment=attachment.name,
    )
    attachment.file.delete(save=False)
    attachment.delete()


def search_reindex() -> dict[str, int]:
    """Rebuild the global search entries of every page; returns ``{"page": count}``."""
    from wavelength.core.models import SearchEntry

    with transaction.atomic():
        SearchEntry.objects.filter(kind="page").exclude(
            object_id__in=Page.objects.values("pk")
        ).delete()
        count = 0
        for page in Page.objects.select_related("space").prefetch_related("space__teams"):
            index_page(page)
            count += 1
    return {"page": count}
