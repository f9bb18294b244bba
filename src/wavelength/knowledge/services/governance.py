"""Review, approval, verification, reads and staleness of pages."""

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from wavelength.catalog.models import Feature, Release
from wavelength.core import activity, clock, notifications
from wavelength.core.exceptions import DomainError
from wavelength.core.models import Activity

from ..access import require_read, require_write
from ..models import Approval, Page, PageRead, PageStatus
from .pages import page_scope

REMIND_EVERY = dt.timedelta(days=7)


def approvers_of(page: Page) -> list:
    """The page's own approvers, or else its space's."""
    own = list(page.approvers.all())
    return own or list(page.space.approvers.all())


def missing_approvals(page: Page) -> list:
    """Approvers who have not approved the current version."""
    approved = set(
        Approval.objects.filter(page=page, version=page.version).values_list(
            "approver_id", flat=True
        )
    )
    return [a for a in approvers_of(page) if a.pk not in approved]


def _can_steer(user, page: Page) -> bool:
    return (
        user.is_admin
        or page.owner_id == user.pk
        or user.pk in {o.pk for o in page.space.owners.all()}
    )


@transaction.atomic
def page_set_status(*, actor, page: Page, status: str) -> Page:
    """Move a page between draft, in review and published.

    Publishing needs every named approver's approval of the current version.
    """
    page = Page.objects.select_for_update().select_related("space").get(pk=page.pk)
    require_write(actor, page.space)
    if status not in PageStatus.values:
        raise DomainError(_("Unknown status."), field="status")
    if status == page.status:
        return page
    if status == PageStatus.PUBLISHED:
        missing = missing_approvals(page)
        if missing:
            raise DomainError(
                _("Version %(v)d needs the approval of %(names)s before it is published.")
                % {"v": page.version, "names": ", ".join(str(u) for u in missing)},
                field="status",
            )
    old = page.status
    page.status, page.updated_at = status, clock.now()
    page.save(update_fields=["status", "updated_at"])
    activity.record(
        actor=actor,
        verb="status_changed",
        target=page,
        scope=page_scope(page.space),
        changes={"status": [old, status]},
    )
    if status == PageStatus.IN_REVIEW:
        notifications.notify(
            recipients=missing_approvals(page),
            verb="page_review_requested",
            title=lambda: _("Please approve “%(title)s”") % {"title": page.title},
            url=page.get_absolute_url(),
            actor=actor,
            target=page,
        )
    return page


@transaction.atomic
def page_approve(*, actor, page: Page, version: int) -> Approval:
    """An approver approves the exact version they read; publishes once all have."""
    page = Page.objects.select_for_update().select_related("space").get(pk=page.pk)
    require_read(actor, page.space)
    if actor.pk not in {a.pk for a in approvers_of(page)}:
        raise PermissionDenied(_("Only this page's approvers can approve it."))
    if int(version) != page.version:
        raise DomainError(
            _("Version %(v)d is no longer current; read version %(current)d and approve it.")
            % {"v": int(version), "current": page.version},
            field="version",
        )
    approval, _created = Approval.objects.get_or_create(
        page=page, version=page.version, approver=actor, defaults={"created_at": clock.now()}
    )
    activity.record(
        actor=actor,
        verb="approved",
        target=page,
        scope=page_scope(page.space),
        version=page.version,
    )
    if page.status == PageStatus.IN_REVIEW and not missing_approvals(page):
        page_set_status(actor=actor, page=page, status=PageStatus.PUBLISHED)
    return approval


@transaction.atomic
def page_verify(*, actor, page: Page) -> Page:
    """Someone checked the current version is still true: staleness is cleared and the review
    clock restarts."""
    page = Page.objects.select_for_update().select_related("space").get(pk=page.pk)
    require_write(actor, page.space)
    if not _can_steer(actor, page) and not actor.can_edit:
        raise PermissionDenied(_("Your role does not allow changes here."))
    now = clock.now()
    page.verified_by, page.verified_at, page.verified_version = actor, now, page.version
    page.stale_since, page.stale_reason, page.reminded_at = None, "", None
    page.review_due_on = now.date() + dt.timedelta(days=page.review_interval_days)
    page.save()
    activity.record(
        actor=actor,
        verb="verified",
        target=page,
        scope=page_scope(page.space),
        version=page.version,
    )
    return page


@transaction.atomic
def page_mark_read(*, actor, page: Page) -> PageRead:
    """Record that ``actor`` read the page's current version."""
    require_read(actor, page.space)
    read, created = PageRead.objects.get_or_create(
        page=page, user=actor, version=page.version, defaults={"read_at": clock.now()}
    )
    if created:
        activity.record(
            actor=actor,
            verb="read",
            target=page,
            scope=page_scope(page.space),
            version=read.version,
        )
    return read


# Staleness --------------------------------------------------------------------------------


def _linked(kind: str, ids) -> Q:
    return Q(links__kind=kind, links__target_id__in=list(ids))


def pages_mark_stale_for_activity(*, activity_id: int) -> int:
    """Mark stale the pages about what an activity changed (a feature's stage, a release that
    shipped); returns how many pages went stale. Runs as a task after the change commits."""
    row = Activity.objects.select_related("target_type").filter(pk=activity_id).first()
    if row is None or row.verb not in ("stage_changed", "released"):
        return 0
    model = row.target_type.model_class()
    if model is Feature:
        feature = Feature.objects.filter(pk=row.target_id).select_related("product").first()
        if feature is None:
            return 0
        stage = (row.changes.get("stage") or [None, None])[-1]
        reason = _("“%(title)s” moved to %(stage)s.") % {
            "title": feature.title,
            "stage": dict(feature._meta.get_field("stage").choices).get(stage, stage),
        }
        where = _linked("feature", [feature.pk])
    elif model is Release:
        release = Release.objects.filter(pk=row.target_id).select_related("product").first()
        if release is None:
            return 0
        reason = _("%(release)s shipped.") % {"release": str(release)}
        feature_ids = list(release.features.values_list("pk", flat=True))
        where = _linked("release", [release.pk]) | _linked("feature", feature_ids)
        where |= _linked("product", [release.product_id])
    else:
        return 0
    return _mark_stale(where, reason[:300], row.created_at)


def _mark_stale(where: Q, reason: str, when) -> int:
    ids = list(Page.objects.filter(where).values_list("pk", flat=True).distinct())
    if not ids:
        return 0
    with transaction.atomic():
        Page.objects.filter(pk__in=ids).update(stale_since=when, stale_reason=reason)
        page_type = ContentType.objects.get_for_model(Page)
        Activity.objects.bulk_create(
            Activity(
                verb="went_stale",
                target_type=page_type,
                target_id=page.pk,
                target_repr=page.title[:300],
                scope=f"knowledge.space:{page.space_id}",
                payload={"reason": reason},
                created_at=when,
            )
            for page in Page.objects.filter(pk__in=ids).only("pk", "title", "space_id")
        )
    return len(ids)


def review_reminders_send(*, today: dt.date | None = None) -> int:
    """Remind each owner of their stale pages (at most once a week per page); returns how many
    owners were reminded. The periodic task and ``wavelength knowledge-remind`` call it."""
    now = clock.now()
    today = today or now.date()
    due = (
        Page.objects.stale(today)
        .filter(owner__isnull=False, owner__is_active=True)
        .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lt=now - REMIND_EVERY))
        .select_related("owner")
        .order_by("owner_id", "title")
    )
    by_owner: dict[int, list[Page]] = {}
    owners = {}
    for page in due:
        by_owner.setdefault(page.owner_id, []).append(page)
        owners[page.owner_id] = page.owner
    from django.urls import reverse

    with transaction.atomic():
        for owner_id, pages in by_owner.items():
            titles = ", ".join(p.title for p in pages[:5])
            count = len(pages)
            notifications.notify(
                recipients=[owners[owner_id]],
                verb="pages_to_review",
                title=lambda count=count: _("%(n)d of your pages need a review") % {"n": count},
                body=lambda titles=titles: _("To review: %(titles)s") % {"titles": titles},
                url=reverse("knowledge:review-list"),
            )
        Page.objects.filter(pk__in=[p.pk for pages in by_owner.values() for p in pages]).update(
            reminded_at=now
        )
    return len(by_owner)
