"""The home page and global search. Both read through selectors; neither writes.

The home page is where the apps meet, so it reads the catalog's selectors; core's models and
services still depend on no other app.
"""

import dataclasses
import datetime as dt
import re
from collections import Counter

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from wavelength.catalog import selectors as catalog
from wavelength.catalog.models import Product, ReleaseStatus, Stage

from . import notifications, timeline
from . import search as search_index
from .models import Activity
from .pagecache import cached_page

CHANGES_PER_PAGE = 20
SEARCH_LIMIT = 100
# Markdown emphasis and heading marks read as noise in a one-line snippet.
_MARKDOWN_NOISE = re.compile(r"\*\*|__|`|^#+\s|(?<=\s)#+\s", re.MULTILINE)

# Search kinds in the order results are shown, with their group titles and chip labels.
SEARCH_KINDS = {
    "product": (gettext_lazy("Products"), gettext_lazy("Product")),
    "feature": (gettext_lazy("Features"), gettext_lazy("Feature")),
    "release": (gettext_lazy("Releases"), gettext_lazy("Release")),
    "changelog": (gettext_lazy("Changelog"), gettext_lazy("Changelog entry")),
    "company": (gettext_lazy("Customers"), gettext_lazy("Customer")),
    "feedback": (gettext_lazy("Feedback"), gettext_lazy("Feedback")),
    "page": (gettext_lazy("Pages"), gettext_lazy("Page")),
    "test_case": (gettext_lazy("Test cases"), gettext_lazy("Test case")),
    "defect": (gettext_lazy("Defects"), gettext_lazy("Defect")),
    "decision": (gettext_lazy("Decisions"), gettext_lazy("Decision")),
    "study": (gettext_lazy("Studies"), gettext_lazy("Study")),
    "research_note": (gettext_lazy("Research notes"), gettext_lazy("Research note")),
    "persona": (gettext_lazy("Personas"), gettext_lazy("Persona")),
    "competitor": (gettext_lazy("Competitors"), gettext_lazy("Competitor")),
}


@login_required
@cached_page
def home(request):
    """Greeting, counts, features by stage, the products and what changed this week."""
    user = request.user
    changes = _recent_changes(request)
    if request.htmx and request.htmx.target == "changes":
        return render(request, "core/_changes.html", {"changes": changes})
    stage_counts = catalog.product_stage_counts(user=user)
    totals = Counter()
    for counts in stage_counts.values():
        totals.update(counts)
    products = list(catalog.product_list(user=user).order_by("name"))
    for product in products:
        product.stage_segments = _segments(stage_counts.get(product.pk, {}))
    upcoming = catalog.release_list(user=user).filter(
        status__in=[ReleaseStatus.PLANNED, ReleaseStatus.IN_PROGRESS]
    )
    context = {
        "greeting": _greeting(timezone.localtime()),
        "products": products,
        "feature_total": sum(totals.values()),
        "in_flight": sum(totals[s] for s in (Stage.PLANNED, Stage.IN_DEVELOPMENT, Stage.BETA)),
        "upcoming_count": upcoming.count(),
        "upcoming": upcoming.order_by("target_date", "id")[:5],
        "stage_rows": _segments(totals, keep_empty=True),
        "stage_chart": _stage_chart(totals),
        "changes": changes,
    }
    return render(request, "core/home.html", context)


class ChangesFilterForm(forms.Form):
    """The home page's "What changed this week" filters: product, kind of object, person."""

    cp = forms.ModelChoiceField(
        label=gettext_lazy("Product"),
        queryset=Product.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label=gettext_lazy("All products"),
    )
    ck = forms.ChoiceField(label=gettext_lazy("Kind"), required=False)
    ca = forms.ModelChoiceField(
        label=gettext_lazy("Person"),
        queryset=None,  # the people who changed something this week (set per request)
        required=False,
        empty_label=gettext_lazy("Everyone"),
    )

    def __init__(self, *args, actors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ck"].choices = [("", _("Every kind")), *CHANGE_KIND_LABELS]
        self.fields["ca"].queryset = actors

    def value(self, name):
        return self.cleaned_data.get(name) if self.is_valid() else None


CHANGE_KIND_LABELS = [
    ("product", gettext_lazy("Products")),
    ("feature", gettext_lazy("Features")),
    ("release", gettext_lazy("Releases")),
    ("changelogentry", gettext_lazy("Changelog")),
    ("area", gettext_lazy("Areas")),
]


def _recent_changes(request) -> dict:
    """The week's catalog changes, bulk changes grouped, filtered as asked, a page of them."""
    since = timezone.now() - dt.timedelta(days=7)
    actors = catalog.recent_change_actors(user=request.user, since=since)
    form = ChangesFilterForm(request.GET or None, actors=actors)
    person = form.value("ca")
    groups = catalog.recent_change_groups(
        user=request.user,
        since=since,
        product=form.value("cp"),
        kind=form.value("ck") or None,
        actor_id=person.pk if person else None,
    )
    page = Paginator(groups, CHANGES_PER_PAGE).get_page(request.GET.get("changes"))
    latest = Activity.objects.select_related("actor", "target_type").in_bulk(
        [g["latest"] for g in page.object_list]
    )
    entries = timeline.describe(latest[g["latest"]] for g in page.object_list)
    for entry, group in zip(entries, page.object_list, strict=True):
        entry.similar = group["n"] - 1  # the others grouped with it (same person, verb, minute)
    return {"page": page, "days": timeline.group_by_day(entries), "form": form}


def _stage_chart(totals: Counter) -> dict:
    """The data app.js draws as a bar chart (one bar per stage, coloured like the badges)."""
    return {
        "type": "bar",
        "label": _("Features"),
        "labels": [str(s.label) for s in Stage],
        "keys": list(Stage.values),
        "values": [totals[s] for s in Stage.values],
    }


def _segments(counts: dict, keep_empty: bool = False) -> list[dict]:
    """Per stage, in lifecycle order: key, label, count and share of the total (for bars)."""
    total = sum(counts.values()) or 1
    return [
        {"key": s.value, "label": s.label, "count": counts.get(s.value, 0),
         "share": round(100 * counts.get(s.value, 0) / total, 2)}
        for s in Stage
        if keep_empty or counts.get(s.value)
    ]  # fmt: skip


def _greeting(now: dt.datetime) -> str:
    if now.hour < 5 or now.hour >= 18:
        return _("Good evening")
    if now.hour < 12:
        return _("Good morning")
    return _("Good afternoon")


@login_required
@cached_page
def search(request):
    """Global search, grouped by kind; ``kind`` narrows to one group."""
    q = request.GET.get("q", "").strip()[:200]
    kind = request.GET.get("kind", "")
    kind = kind if kind in SEARCH_KINDS else ""
    teams = search_index.teams_of(request.user)  # team-only entries stay with their teams
    hits = [
        dataclasses.replace(hit, snippet=_MARKDOWN_NOISE.sub("", hit.snippet or ""))
        for hit in (search_index.query(q, limit=SEARCH_LIMIT, teams=teams) if q else [])
    ]
    counts = Counter(hit.kind for hit in hits)
    groups = [
        {"kind": k, "title": title, "label": label, "hits": [h for h in hits if h.kind == k]}
        for k, (title, label) in SEARCH_KINDS.items()
        if counts[k] and kind in ("", k)
    ]
    tabs = [
        {"kind": k, "title": title, "count": counts[k]} for k, (title, _l) in SEARCH_KINDS.items()
    ]
    context = {"q": q, "kind": kind, "groups": groups, "tabs": tabs, "total": len(hits)}
    template = "core/_search_results.html" if request.htmx else "core/search.html"
    return render(request, template, context)


# Notifications ----------------------------------------------------------------------------

NOTIFICATIONS_PER_PAGE = 30


@login_required
def notification_list(request):
    """The person's notifications, newest first; ``?unread=1`` keeps the unread ones."""
    unread_only = request.GET.get("unread") == "1"
    rows = notifications.notification_list(
        user=request.user, unread_only=unread_only, priority_first=True
    )
    page = Paginator(rows, NOTIFICATIONS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "unread_only": unread_only,
        "unread": notifications.unread_count(user=request.user),
    }
    return render(request, "core/notification_list.html", context)


@login_required
def notification_panel(request):
    """The bell's panel (an htmx fragment): the latest notifications, unread mentions first,
    and the bell itself again, so its count agrees with the panel's."""
    return render(
        request, "core/_notification_panel.html", notifications.bell_summary(user=request.user)
    )


@login_required
@require_POST
def notification_open(request, pk):
    """Mark one notification read and go to what it is about."""
    notification = get_object_or_404(notifications.notification_list(user=request.user), pk=pk)
    notifications.notifications_mark_read(user=request.user, ids=[notification.pk])
    return redirect(notification.url or "core:notification-list")


@login_required
@require_POST
def notification_read_all(request):
    count = notifications.notifications_mark_read(user=request.user)
    if request.htmx:  # from the bell's panel: the panel again, everything read
        return notification_panel(request)
    messages.success(
        request,
        ngettext("%(n)d notification marked read.", "%(n)d notifications marked read.", count)
        % {"n": count},
    )
    return redirect("core:notification-list")
