"""Reads of the meetings app, permission-checked, in a fixed number of queries."""

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from wavelength.accounts.permissions import require_member
from wavelength.core import clock
from wavelength.knowledge.models import Page

from .models import ActionItem, AgendaItem, AgendaPart, Decision, MeetingSeries, Occurrence


def series_list(*, user, mine: bool = False) -> QuerySet[MeetingSeries]:
    """Every series (members read them all); ``mine``: those the reader owns or attends."""
    require_member(user)
    qs = MeetingSeries.objects.select_related("owner").prefetch_related("products")
    if mine:
        qs = qs.filter(
            Q(owner=user) | Q(attendees=user) | Q(teams__memberships__user=user)
        ).distinct()
    return qs.order_by("name", "id")


def series_get(*, user, pk: int) -> MeetingSeries:
    require_member(user)
    qs = MeetingSeries.objects.select_related("owner").prefetch_related(
        "attendees", "teams", "products"
    )
    return get_object_or_404(qs, pk=pk)


def occurrence_list(*, user, series: MeetingSeries | None = None) -> QuerySet[Occurrence]:
    require_member(user)
    qs = Occurrence.objects.select_related("series")
    if series is not None:
        qs = qs.filter(series=series)
    return qs.order_by("starts_at", "id")


def upcoming(*, user, series: MeetingSeries, count: int = 4) -> list[Occurrence]:
    return list(occurrence_list(user=user, series=series).filter(ends_at__gte=clock.now())[:count])


def past(*, user, series: MeetingSeries, count: int = 20) -> list[Occurrence]:
    rows = occurrence_list(user=user, series=series).filter(ends_at__lt=clock.now())
    return list(rows.order_by("-starts_at")[:count])


def occurrence_get(*, user, pk: int) -> Occurrence:
    require_member(user)
    qs = Occurrence.objects.select_related("series__owner").prefetch_related("attended")
    return get_object_or_404(qs, pk=pk)


def readable_items(*, user, items: list[AgendaItem]) -> list[AgendaItem]:
    """The items ``user`` may read, in one query at most. Every member reads every product,
    feature, release, feedback item, defect and playbook run; knowledge pages are the one
    thing restricted (to the teams of a space), so an item about a page the reader cannot
    see is left out of their agenda."""
    page_ids = [i.source_id for i in items if i.kind == AgendaPart.PAGES]
    if not page_ids:
        return list(items)
    visible = set(
        Page.objects.visible_to(user).filter(pk__in=page_ids).values_list("pk", flat=True)
    )
    return [i for i in items if i.kind != AgendaPart.PAGES or i.source_id in visible]


def agenda_items(*, user, occurrence: Occurrence) -> list[AgendaItem]:
    """The agenda as ``user`` may read it."""
    require_member(user)
    return readable_items(user=user, items=list(occurrence.items.order_by("position", "id")))


def agenda_item_get(*, user, pk: int) -> AgendaItem:
    require_member(user)
    item = get_object_or_404(AgendaItem.objects.select_related("occurrence__series"), pk=pk)
    if not readable_items(user=user, items=[item]):
        raise Http404  # about a page the reader may not see: as if it did not exist
    return item


def decision_list(*, user, occurrence: Occurrence | None = None) -> QuerySet[Decision]:
    require_member(user)
    # The pages a decision is about are listed only to those who may read them.
    pages = Prefetch("pages", queryset=Page.objects.visible_to(user).order_by("title"))
    qs = Decision.objects.select_related("occurrence__series", "decided_by").prefetch_related(
        "features__product", "releases__product", pages
    )
    if occurrence is not None:
        qs = qs.filter(occurrence=occurrence)
    return qs.order_by("-created_at", "-id")


def decision_get(*, user, pk: int) -> Decision:
    return get_object_or_404(decision_list(user=user), pk=pk)


def decisions_for_feature(*, user, feature) -> list[Decision]:
    """The decisions about a feature, newest first (the feature page's section)."""
    return list(decision_list(user=user).filter(features=feature)[:20])


def decisions_for_release(*, user, release) -> list[Decision]:
    return list(decision_list(user=user).filter(releases=release)[:20])


def decisions_for_page(*, user, page) -> list[Decision]:
    """The decisions about a knowledge page the reader may read (its page's panel)."""
    if not Page.objects.visible_to(user).filter(pk=page.pk).exists():
        return []
    return list(decision_list(user=user).filter(pages=page)[:20])


def action_list(
    *, user, occurrence: Occurrence | None = None, owner=None, open_only: bool = False
) -> QuerySet[ActionItem]:
    require_member(user)
    qs = ActionItem.objects.select_related("occurrence__series", "owner", "feature", "release")
    if occurrence is not None:
        qs = qs.filter(occurrence=occurrence)
    if owner is not None:
        qs = qs.filter(owner=owner)
    if open_only:
        qs = qs.open()
    return qs.order_by("status", "due_on", "id")


def action_get(*, user, pk: int) -> ActionItem:
    return get_object_or_404(action_list(user=user), pk=pk)


def my_actions(*, user) -> list[ActionItem]:
    """The reader's open action items, soonest due first (shown beside their playbook steps)."""
    return list(action_list(user=user, owner=user, open_only=True)[:50])


def overdue_actions(*, user) -> QuerySet[ActionItem]:
    return action_list(user=user).filter(pk__in=ActionItem.objects.overdue().values("pk"))


def series_for_calendar(*, user) -> QuerySet[MeetingSeries]:
    """The series a person's calendar feed holds: those they own or attend."""
    return series_list(user=user, mine=True)
