"""Decisions of a meeting: recorded and edited with their history, found by the global
search, shown on the features, releases and pages they are about and in their timelines."""

from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from wavelength.core import activity, search, versioning
from wavelength.core.exceptions import DomainError
from wavelength.knowledge.models import Page

from ..models import Decision, Occurrence
from .access import require_run
from .occurrences import lock_occurrence

SEARCH_KIND = "decision"
LINKS = ("features", "releases", "pages")


@dataclass
class DecisionData:
    title: str
    rationale: str = ""
    decided_by: object = None
    features: list | None = None
    releases: list | None = None
    pages: list | None = None


def _clean(actor, data: DecisionData) -> str:
    title = (data.title or "").strip()
    if not title:
        raise DomainError(_("Say what was decided."), field="title")
    if data.decided_by is not None and not data.decided_by.is_active:
        raise DomainError(_("Choose an active person."), field="decided_by")
    page_ids = {p.pk for p in data.pages or []}
    readable = Page.objects.visible_to(actor).filter(pk__in=page_ids).values_list("pk", flat=True)
    if page_ids - set(readable):
        raise DomainError(_("You can only link pages you can read."), field="pages")
    return title[:300]


def _record_links(actor, decision: Decision, added: dict[str, set[int]]) -> None:
    """The decision shows in the timelines of what it is (newly) about."""
    targets = [
        *decision.features.filter(pk__in=added["features"]).select_related("product"),
        *decision.releases.filter(pk__in=added["releases"]).select_related("product"),
    ]
    for target in targets:
        activity.record(actor=actor, verb="decided", target=target,
                        scope=target.product.scope, decision=decision.title)  # fmt: skip
    for page in decision.pages.filter(pk__in=added["pages"]):
        activity.record(actor=actor, verb="decided", target=page, scope=page.scope,
                        decision=decision.title)  # fmt: skip


def _links(decision: Decision) -> dict[str, set[int]]:
    return {name: set(getattr(decision, name).values_list("pk", flat=True)) for name in LINKS}


def search_entry(decision: Decision) -> dict:
    """The decision's entry in the global search (every member reads decisions; the pages
    it is about are not named, as some readers may not see them)."""
    series = decision.occurrence.series.name
    return {
        "kind": SEARCH_KIND,
        "object_id": decision.pk,
        "title": decision.title,
        "body": f"{decision.rationale}\n{series}",
        "url": reverse("meetings:decision-detail", args=[decision.pk]),
    }


def search_reindex() -> dict[str, int]:
    """Rebuild the decisions' search entries (``wavelength reindex`` finds it)."""
    rows = Decision.objects.select_related("occurrence__series").order_by("pk")
    with transaction.atomic():
        search.prune(kind=SEARCH_KIND, keep=Decision.objects.values("pk"))
        return {SEARCH_KIND: search.index_many(search_entry(d) for d in rows.iterator(500))}


@transaction.atomic
def decision_create(*, actor, occurrence: Occurrence, data: DecisionData) -> Decision:
    """Record a decision of the meeting, linked to the features, releases and pages it is
    about; it appears on their pages and timelines, and in the search."""
    occurrence = lock_occurrence(occurrence)
    require_run(actor, occurrence)
    title = _clean(actor, data)
    decision = Decision.objects.create(
        occurrence=occurrence, title=title, rationale=data.rationale or "",
        decided_by=data.decided_by,
    )  # fmt: skip
    for name in LINKS:
        getattr(decision, name).set(getattr(data, name) or [])
    activity.record(actor=actor, verb="created", target=decision,
                    snapshot=activity.snapshot(decision, Decision.TRACKED))  # fmt: skip
    _record_links(actor, decision, _links(decision))
    search.index(**search_entry(decision))
    return decision


@transaction.atomic
def decision_update(
    *, actor, decision: Decision, data: DecisionData, if_version: str | None = None
) -> Decision:
    """Change a decision (the meeting's runners; once it is closed, the series' owner); every
    change is kept in its history, and newly linked objects get it in their timelines."""
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    decision.occurrence = lock_occurrence(decision.occurrence)
    require_run(actor, decision.occurrence)
    versioning.check(decision, if_version)
    title = _clean(actor, data)
    before, links_before = activity.snapshot(decision, Decision.TRACKED), _links(decision)
    decision.title, decision.rationale = title, data.rationale or ""
    decision.decided_by = data.decided_by
    decision.save()
    for name in LINKS:
        if getattr(data, name) is not None:
            getattr(decision, name).set(_keep_hidden(actor, decision, name, getattr(data, name)))
    changes = activity.diff(before, activity.snapshot(decision, Decision.TRACKED))
    if changes:
        activity.record(actor=actor, verb="updated", target=decision, changes=changes)
    links = _links(decision)
    _record_links(actor, decision, {k: links[k] - links_before[k] for k in LINKS})
    search.index(**search_entry(decision))
    return decision


def _keep_hidden(actor, decision: Decision, name: str, chosen: list) -> list:
    """Links to pages the editor cannot read are kept: they never saw them to remove them."""
    if name != "pages":
        return list(chosen)
    hidden = decision.pages.exclude(pk__in=Page.objects.visible_to(actor).values("pk"))
    return [*chosen, *hidden]
