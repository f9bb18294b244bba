"""The agenda an occurrence gets from live data, for the products its series covers, since the
previous occurrence, as the person who asks; each series can switch parts off
(``MeetingSeries.agenda_parts``).

Each part costs a fixed number of queries and gives at most ``PER_PART`` items. The demand,
the stale pages and the release gates read through their apps' code (they carry those apps'
rules: portal votes, space permissions, gate criteria); the other reads are plain SQL that
checks the reader as the selector it stands for does (see ``_TABLES``).
"""

import datetime as dt
import functools
import json
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from wavelength.accounts.models import Team, User
from wavelength.accounts.permissions import require_member
from wavelength.catalog import gates
from wavelength.catalog.models import Feature, Release, ReleaseStatus, Stage
from wavelength.core import clock
from wavelength.core.models import Activity
from wavelength.feedback import selectors as feedback_selectors
from wavelength.feedback.models import Company, Feedback, FeedbackLink
from wavelength.knowledge import selectors as knowledge_selectors
from wavelength.processes.models import Run, RunStatus, RunStep
from wavelength.processes.selectors import OPEN_STATUSES
from wavelength.quality.models import OPEN_DEFECT_STATUSES, Defect, Severity, pk_url

from .models import ActionItem, ActionStatus, AgendaPart, MeetingSeries, Occurrence

PER_PART = 5
# Without a previous occurrence, the agenda looks back this far.
DEFAULT_LOOKBACK = dt.timedelta(days=14)
RELEASE_HORIZON = dt.timedelta(days=14)
# Asks for a feature that has shipped or been dropped are no longer a topic.
ASKABLE_STAGES = (Stage.IDEA, Stage.DISCOVERY, Stage.PLANNED, Stage.IN_DEVELOPMENT, Stage.BETA)


@dataclass(frozen=True)
class ItemSpec:
    """A generated item: its part, the row it came from, and what its sentence needs
    (:mod:`.wording` makes the sentence in each reader's language)."""

    kind: str
    source_id: int | None
    params: dict = field(default_factory=dict)
    url: str = ""


def since_for(occurrence: Occurrence) -> dt.datetime:
    """When the previous occurrence of the series started (or two weeks before this one)."""
    rows = _rows(
        """SELECT starts_at FROM {occurrence} WHERE series_id = %s AND starts_at < %s
        ORDER BY starts_at DESC LIMIT 1""",
        [occurrence.series_id, _moment(occurrence.starts_at)],
    )
    if not rows:
        return occurrence.starts_at - DEFAULT_LOOKBACK
    previous = rows[0][0]
    if isinstance(previous, str):  # SQLite answers the text it stores, in UTC
        previous = parse_datetime(previous)
    return previous if timezone.is_aware(previous) else previous.replace(tzinfo=dt.UTC)


def build_agenda(*, user, occurrence: Occurrence) -> list[ItemSpec]:
    series = occurrence.series
    rows = _rows(
        "SELECT product_id FROM {series_products} WHERE meetingseries_id = %s", [series.pk]
    )
    product_ids = [pk for (pk,) in rows]
    since = since_for(occurrence)
    items: list[ItemSpec] = []
    for part in series.agenda_parts:
        builder = PARTS.get(part)
        if builder is None:
            continue
        if part != AgendaPart.ACTIONS and not product_ids:
            continue
        items.extend(builder(user=user, occurrence=occurrence, products=product_ids, since=since))
    return items


def _feedback(*, user, occurrence, products, since) -> list[ItemSpec]:
    """The newest feedback about the products from the highest-revenue companies (what the
    inbox's selector would list with those filters)."""
    require_member(user)
    rows = _rows(
        """SELECT DISTINCT f.id, f.title, f.text, c.name, c.arr, f.received_at
        FROM {feedback} f JOIN {company} c ON c.id = f.company_id
        JOIN {link} l ON l.feedback_id = f.id JOIN {feature} ft ON ft.id = l.feature_id
        WHERE f.received_at >= %s AND ft.product_id IN {products}
        ORDER BY c.arr DESC, f.received_at DESC, f.id DESC LIMIT %s""",
        [_moment(since), *products, PER_PART],
        products=len(products),
    )
    url = pk_url("feedback:feedback-detail")
    items = []
    for pk, title, text, company, *_order in rows:
        title = Feedback(title=title, text=text).display_title
        params = {"company": company, "title": title, "text": text[:500]}
        items.append(ItemSpec(kind=AgendaPart.FEEDBACK, source_id=pk, params=params, url=url(pk)))
    return items


def _asks(*, user, occurrence, products, since) -> list[ItemSpec]:
    """The features of the products asked for most since the previous meeting (feedback
    linked to them since), with their demand in all (feedback and counted votes)."""
    recent = _rows(
        """SELECT l.feature_id, ft.title, COUNT(DISTINCT l.feedback_id) AS new
        FROM {link} l JOIN {feature} ft ON ft.id = l.feature_id
        WHERE l.created_at >= %s AND ft.product_id IN {products} AND ft.stage IN {stages}
        GROUP BY l.feature_id, ft.title ORDER BY 3 DESC, 1 LIMIT %s""",
        [_moment(since), *products, *ASKABLE_STAGES, PER_PART],
        products=len(products),
        stages=len(ASKABLE_STAGES),
    )
    if not recent:
        return []
    demand = feedback_selectors.demand_for_features(user=user, feature_ids=[r[0] for r in recent])
    url = pk_url("catalog:feature-detail")
    return [
        ItemSpec(
            kind=AgendaPart.ASKS,
            source_id=pk,
            params={
                "feature": title,
                "new": count,
                "total": demand[pk].voices,
                "companies": demand[pk].unique_companies,
            },
            url=url(pk),
        )
        for pk, title, count in recent
    ]


def _stages(*, user, occurrence, products, since) -> list[ItemSpec]:
    """The latest stage change of each feature of the products since (the catalog's recent
    changes)."""
    require_member(user)
    rows = _rows(
        """SELECT target_id, target_repr, payload FROM {activity}
        WHERE created_at >= %s AND scope LIKE 'catalog.%%' AND scope IN {products}
          AND target_type_id = %s AND verb = 'stage_changed'
        ORDER BY created_at DESC, id DESC LIMIT %s""",
        [_moment(since), *(f"catalog.product:{pk}" for pk in products),
         ContentType.objects.get_for_model(Feature).pk, PER_PART * 3],
        products=len(products),
    )  # fmt: skip
    seen, out = set(), []
    url = pk_url("catalog:feature-detail")
    for target_id, name, payload in rows:  # the latest move of each feature
        if target_id in seen or len(out) >= PER_PART:
            continue
        seen.add(target_id)
        payload = json.loads(payload) if isinstance(payload, str) else payload
        old, new = (payload or {}).get("changes", {}).get("stage", [None, None])
        out.append(
            ItemSpec(
                kind=AgendaPart.STAGES,
                source_id=target_id,
                params={"feature": name, "old": old, "new": new},
                url=url(target_id),
            )
        )
    return out


def _releases(*, user, occurrence, products, since) -> list[ItemSpec]:
    """The products' releases due in the next two weeks, each with its gate's verdict (the
    catalog's release list, without the count of features it annotates for its table)."""
    require_member(user)
    today = clock.now().date()
    rows = (
        Release.objects.select_related("product")
        .filter(
            product_id__in=products,
            status__in=[ReleaseStatus.PLANNED, ReleaseStatus.IN_PROGRESS],
            target_date__gte=today,
            target_date__lte=today + RELEASE_HORIZON,
        )
        .order_by("target_date", "id")[:PER_PART]
    )
    out = []
    for release in rows:
        verdicts = gates.evaluate(release)
        params = {
            "release": str(release),
            "date": release.target_date.isoformat(),
            "passes": gates.passes(verdicts),
            "failing": [v.criterion.key for v in verdicts if not v.result.ok],
        }
        out.append(ItemSpec(kind=AgendaPart.RELEASES, source_id=release.pk, params=params,
                            url=release.get_absolute_url()))  # fmt: skip
    return out


def _steps(*, user, occurrence, products, since) -> list[ItemSpec]:
    """Overdue steps (open, due before today, in a run in progress) of runs about a release or
    a feature of the products, oldest first (as the processes' overdue list)."""
    require_member(user)
    types = ContentType.objects.get_for_models(Release, Feature)
    rows = _rows(
        """SELECT s.id, s.title, s.run_id, r.title, s.due_on, u.name, u.email, t.name
        FROM {step} s JOIN {run} r ON r.id = s.run_id
        LEFT JOIN {user} u ON u.id = s.assignee_id LEFT JOIN {team} t ON t.id = s.assignee_team_id
        WHERE r.status = %s AND s.status IN {open} AND s.due_on < %s AND (
            (r.target_type_id = %s AND r.target_id IN (
                SELECT id FROM {release} WHERE product_id IN {products}))
            OR (r.target_type_id = %s AND r.target_id IN (
                SELECT id FROM {feature} WHERE product_id IN {products})))
        ORDER BY s.due_on, s.run_id, s.position LIMIT %s""",
        [RunStatus.ACTIVE, *OPEN_STATUSES, _day(clock.now().date()),
         types[Release].pk, *products, types[Feature].pk, *products, PER_PART],
        open=len(OPEN_STATUSES), products=len(products),
    )  # fmt: skip
    url = pk_url("processes:run-detail")
    return [
        ItemSpec(
            kind=AgendaPart.STEPS,
            source_id=pk,
            params={
                "step": title,
                "run": run,
                "due_on": str(due_on),
                "who": name or email or team or "",
            },  # fmt: skip
            url=url(run_id),
        )
        for pk, title, run_id, run, due_on, name, email, team in rows
    ]


def _defects(*, user, occurrence, products, since) -> list[ItemSpec]:
    """Unresolved critical defects of the products, newest first (the quality's defect list
    with those filters: all of one severity, so its ranking by severity changes nothing)."""
    require_member(user)
    rows = _rows(
        """SELECT id, title, status FROM {defect}
        WHERE severity = %s AND status IN {open} AND product_id IN {products}
        ORDER BY created_at DESC, id DESC LIMIT %s""",
        [Severity.CRITICAL, *OPEN_DEFECT_STATUSES, *products, PER_PART],
        open=len(OPEN_DEFECT_STATUSES), products=len(products),
    )  # fmt: skip
    url = pk_url("quality:defect-detail")
    return [
        ItemSpec(
            kind=AgendaPart.DEFECTS,
            source_id=pk,
            params={"defect": title, "status": status},
            url=url(pk),
        )
        for pk, title, status in rows
    ]


def _pages(*, user, occurrence, products, since) -> list[ItemSpec]:
    about = Q(links__kind="product", links__target_id__in=products) | Q(
        links__kind="feature",
        links__target_id__in=Feature.objects.filter(product_id__in=products).values("pk"),
    )
    rows = (
        knowledge_selectors.page_list(user=user)
        .stale()
        .filter(about)
        .distinct()
        .select_related(None)
        .only("pk", "title", "review_due_on", "stale_since", "stale_reason")[:PER_PART]
    )
    return [
        ItemSpec(
            kind=AgendaPart.PAGES,
            source_id=page.pk,
            params=_page_params(page),
            url=page.get_absolute_url(),
        )
        for page in rows
    ]


def _page_params(page) -> dict:
    overdue = page.review_due_on and page.review_due_on < clock.now().date()
    return {
        "page": page.title,
        "review_due_on": page.review_due_on.isoformat() if overdue else None,
        "reason": page.stale_reason if page.stale_since else "",
    }


def _actions(*, user, occurrence, products, since) -> list[ItemSpec]:
    """The open action items of the series' earlier meetings, soonest due first."""
    rows = _rows(
        """SELECT a.id, a.title, u.name, u.email, a.due_on, a.occurrence_id
        FROM {action} a JOIN {occurrence} o ON o.id = a.occurrence_id
        JOIN {user} u ON u.id = a.owner_id
        WHERE a.status = %s AND o.series_id = %s AND o.starts_at < %s
        ORDER BY a.due_on, a.id LIMIT %s""",
        [ActionStatus.OPEN, occurrence.series_id, _moment(occurrence.starts_at), PER_PART * 4],
    )
    url = pk_url("meetings:occurrence-detail")
    return [
        ItemSpec(
            kind=AgendaPart.ACTIONS,
            source_id=pk,
            params={
                "action": title,
                "owner": name or email,
                "due_on": str(due_on) if due_on else None,
            },
            url=f"{url(occurrence_id)}#action-{pk}",
        )
        for pk, title, name, email, due_on, occurrence_id in rows
    ]


# The parts above read with plain SQL rather than through the selectors' querysets: building
# and compiling each queryset cost the ORM several times what the database takes to answer
# (see the meetings section of docs/benchmarks.md). Each checks the reader as the selector it
# replaces does (``require_member``); the pages keep their selector, which filters by space.
_TABLES = {
    "feedback": Feedback, "company": Company, "link": FeedbackLink, "feature": Feature,
    "release": Release, "activity": Activity, "step": RunStep, "run": Run, "user": User,
    "team": Team, "defect": Defect, "action": ActionItem, "occurrence": Occurrence,
    "series_products": MeetingSeries.products.through,
}  # fmt: skip


@functools.cache
def _statement(sql: str, **sizes: int) -> str:
    """``sql`` with the models' table names and one placeholder per value of each list."""
    names = {k: connection.ops.quote_name(m._meta.db_table) for k, m in _TABLES.items()}
    lists = {k: "(" + ", ".join(["%s"] * n) + ")" for k, n in sizes.items()}
    return sql.format(**names, **lists)


def _rows(sql: str, params: list, **sizes: int) -> list[tuple]:
    params = [p.value if isinstance(p, models.Choices) else p for p in params]
    with connection.cursor() as cursor:
        cursor.execute(_statement(sql, **sizes), params)
        return cursor.fetchall()


def _moment(value: dt.datetime):
    return connection.ops.adapt_datetimefield_value(value)


def _day(value: dt.date):
    return connection.ops.adapt_datefield_value(value)


PARTS = {
    AgendaPart.FEEDBACK: _feedback,
    AgendaPart.ASKS: _asks,
    AgendaPart.STAGES: _stages,
    AgendaPart.RELEASES: _releases,
    AgendaPart.STEPS: _steps,
    AgendaPart.DEFECTS: _defects,
    AgendaPart.PAGES: _pages,
    AgendaPart.ACTIONS: _actions,
}
