"""Activity rows in words, for timelines: who did what to which object, and what changed.

Views hand a page of activities to :func:`describe`, which loads the targets and any foreign
keys named in the diffs with one query per model, then render ``includes/timeline.html``.
Nothing here knows the catalog: labels come from the models' own fields and choices.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import formats, timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from .models import Activity

EMPTY = "—"

# How an object is named inside a sentence ("Alice moved feature Dark mode"). French needs the
# article, so these are their own strings rather than the models' verbose names.
KINDS = {
    "product": pgettext_lazy("object kind in an activity sentence", "product"),
    "feature": pgettext_lazy("object kind in an activity sentence", "feature"),
    "release": pgettext_lazy("object kind in an activity sentence", "release"),
    "changelogentry": pgettext_lazy("object kind in an activity sentence", "changelog entry"),
    "area": pgettext_lazy("object kind in an activity sentence", "area"),
    "team": pgettext_lazy("object kind in an activity sentence", "team"),
    "user": pgettext_lazy("object kind in an activity sentence", "person"),
    "securitypolicy": pgettext_lazy("object kind in an activity sentence", "the sign-in policy"),
    "playbook": pgettext_lazy("object kind in an activity sentence", "playbook"),
    "run": pgettext_lazy("object kind in an activity sentence", "run"),
    "runstep": pgettext_lazy("object kind in an activity sentence", "step"),
    "suite": pgettext_lazy("object kind in an activity sentence", "suite"),
    "testcase": pgettext_lazy("object kind in an activity sentence", "test case"),
    "testplan": pgettext_lazy("object kind in an activity sentence", "test plan"),
    "testrun": pgettext_lazy("object kind in an activity sentence", "test run"),
    "defect": pgettext_lazy("object kind in an activity sentence", "defect"),
    "checklist": pgettext_lazy("object kind in an activity sentence", "checklist"),
    "releasegate": pgettext_lazy("object kind in an activity sentence", "release gate"),
    "company": pgettext_lazy("object kind in an activity sentence", "company"),
    "contact": pgettext_lazy("object kind in an activity sentence", "contact"),
    "feedback": pgettext_lazy("object kind in an activity sentence", "feedback"),
    "theme": pgettext_lazy("object kind in an activity sentence", "theme"),
    "portalidea": pgettext_lazy("object kind in an activity sentence", "portal idea"),
    "portalsettings": pgettext_lazy("object kind in an activity sentence", "portal settings"),
    "importjob": pgettext_lazy("object kind in an activity sentence", "import"),
    "space": pgettext_lazy("object kind in an activity sentence", "space"),
    "page": pgettext_lazy("object kind in an activity sentence", "page"),
    "meetingseries": pgettext_lazy("object kind in an activity sentence", "meeting series"),
    "occurrence": pgettext_lazy("object kind in an activity sentence", "meeting"),
    "agendaitem": pgettext_lazy("object kind in an activity sentence", "agenda item"),
    "decision": pgettext_lazy("object kind in an activity sentence", "decision"),
    "actionitem": pgettext_lazy("object kind in an activity sentence", "action item"),
    "objective": pgettext_lazy("object kind in an activity sentence", "objective"),
    "keyresult": pgettext_lazy("object kind in an activity sentence", "key result"),
    "course": pgettext_lazy("object kind in an activity sentence", "course"),
    "lesson": pgettext_lazy("object kind in an activity sentence", "lesson"),
    "quiz": pgettext_lazy("object kind in an activity sentence", "quiz"),
    "question": pgettext_lazy("object kind in an activity sentence", "question"),
    "certification": pgettext_lazy("object kind in an activity sentence", "certification"),
    "learningpath": pgettext_lazy("object kind in an activity sentence", "learning path"),
    "enablementgate": pgettext_lazy("object kind in an activity sentence", "enablement criterion"),
    "survey": pgettext_lazy("object kind in an activity sentence", "survey"),
    "savedview": pgettext_lazy("object kind in an activity sentence", "saved view"),
    "study": pgettext_lazy("object kind in an activity sentence", "study"),
    "note": pgettext_lazy("object kind in an activity sentence", "research note"),
    "persona": pgettext_lazy("object kind in an activity sentence", "persona"),
    "competitor": pgettext_lazy("object kind in an activity sentence", "competitor"),
}

VERBS = {
    "created": gettext_lazy("%(actor)s created %(object)s"),
    "updated": gettext_lazy("%(actor)s edited %(object)s"),
    "stage_changed": gettext_lazy("%(actor)s moved %(object)s"),
    "released": gettext_lazy("%(actor)s shipped %(object)s"),
    # A feature moved on because the release it was in shipped (payload ``shipped_in``).
    "stage_changed:shipped": gettext_lazy("%(actor)s moved %(object)s on when %(detail)s shipped"),
    # Moved without meeting its product's standard for the stage (payload ``unmet``, ``reason``).
    "stage_changed:overridden": gettext_lazy(
        "%(actor)s moved %(object)s without meeting the stage's standard"
    ),
    "deleted": gettext_lazy("%(actor)s deleted %(object)s"),
    "member_added": gettext_lazy("%(actor)s added %(member)s to %(object)s"),
    "member_removed": gettext_lazy("%(actor)s removed %(member)s from %(object)s"),
    "token_created": gettext_lazy("%(actor)s created the API token “%(token)s”"),
    "token_revoked": gettext_lazy("%(actor)s revoked the API token “%(token)s”"),
    "unlocked": gettext_lazy("%(actor)s let %(object)s sign in again"),
    "two_factor_enabled": gettext_lazy("%(actor)s turned two-factor sign-in on"),
    "two_factor_disabled": gettext_lazy("%(actor)s turned two-factor sign-in off"),
    "two_factor_reset": gettext_lazy("%(actor)s turned two-factor sign-in off for %(object)s"),
    "recovery_codes_renewed": gettext_lazy("%(actor)s made new recovery codes"),
    "version_published": gettext_lazy("%(actor)s published a new version of %(object)s"),
    "run_started": gettext_lazy("%(actor)s started %(object)s"),
    "completed": gettext_lazy("%(actor)s completed %(object)s"),
    "reopened": gettext_lazy("%(actor)s reopened %(object)s"),
    "cancelled": gettext_lazy("%(actor)s cancelled %(object)s"),
    "step_completed": gettext_lazy("%(actor)s completed %(object)s"),
    "step_submitted": gettext_lazy("%(actor)s asked for approval of %(object)s"),
    "step_approved": gettext_lazy("%(actor)s approved %(object)s"),
    "step_reopened": gettext_lazy("%(actor)s reopened %(object)s"),
    "step_skipped": gettext_lazy("%(actor)s skipped %(object)s"),
    "step_assigned": gettext_lazy("%(actor)s assigned %(object)s"),
    "inspection_started": gettext_lazy(
        "%(actor)s started the “%(checklist)s” inspection of %(object)s"
    ),
    "inspection_signed": gettext_lazy(
        "%(actor)s signed off the “%(checklist)s” inspection of %(object)s"
    ),
    "inspection_reopened": gettext_lazy(
        "%(actor)s reopened the “%(checklist)s” inspection of %(object)s"
    ),
    "result_recorded": gettext_lazy("%(actor)s recorded a result in %(object)s"),
    "evidence_added": gettext_lazy("%(actor)s attached evidence to %(object)s"),
    "closed": gettext_lazy("%(actor)s closed %(object)s"),
    "imported": gettext_lazy("%(actor)s imported %(object)s"),
    "status_changed": gettext_lazy("%(actor)s changed the status of %(object)s"),
    "linked": gettext_lazy("%(actor)s linked %(object)s to “%(detail)s”"),
    "unlinked": gettext_lazy("%(actor)s unlinked %(object)s from “%(detail)s”"),
    "merged": gettext_lazy("%(actor)s merged a duplicate into %(object)s"),
    "merged_into": gettext_lazy("%(actor)s merged %(object)s into another item"),
    "unmerged": gettext_lazy("%(actor)s undid the merge of %(object)s"),
    "company_merged": gettext_lazy("%(actor)s merged “%(detail)s” into %(object)s"),
    "company_merged_into": gettext_lazy("%(actor)s merged %(object)s into “%(detail)s”"),
    "company_unmerged": gettext_lazy("%(actor)s undid the merge of %(object)s and “%(detail)s”"),
    "unsubscribed": gettext_lazy("Unsubscribed from close-the-loop messages: %(object)s"),
    "voted for": gettext_lazy("A customer voted for %(object)s"),
    "commented on": gettext_lazy("A customer commented on %(object)s"),
    "opened to the portal": gettext_lazy("%(actor)s opened %(object)s on the portal"),
    "approved": gettext_lazy("%(actor)s approved %(object)s"),
    "verified": gettext_lazy("%(actor)s verified %(object)s"),
    "read": gettext_lazy("%(actor)s read %(object)s"),
    "went_stale": gettext_lazy("Due for a review: %(object)s"),
    "attached": gettext_lazy("%(actor)s attached “%(detail)s” to %(object)s"),
    "detached": gettext_lazy("%(actor)s removed the attachment “%(detail)s” from %(object)s"),
    "commented": gettext_lazy("%(actor)s commented on %(object)s"),
    "replied": gettext_lazy("%(actor)s replied to a comment on %(object)s"),
    "comment_edited": gettext_lazy("%(actor)s edited a comment on %(object)s"),
    "comment_deleted": gettext_lazy("%(actor)s deleted a comment on %(object)s"),
    "thread_resolved": gettext_lazy("%(actor)s resolved a thread on %(object)s"),
    "thread_reopened": gettext_lazy("%(actor)s reopened a thread on %(object)s"),
    "decided": gettext_lazy("%(actor)s recorded the decision “%(detail)s” about %(object)s"),
    "agenda_built": gettext_lazy("%(actor)s built the agenda of %(object)s from live data"),
    "agenda_sent": gettext_lazy("%(actor)s sent the agenda of %(object)s to its attendees"),
    "minutes_sent": gettext_lazy("%(actor)s sent the minutes of %(object)s to its attendees"),
    "enablement_drafted": gettext_lazy("%(actor)s drafted %(object)s to enable a release"),
    "roadmap_moved": gettext_lazy("%(actor)s moved %(object)s on the roadmap"),
    "versioned": gettext_lazy("%(actor)s made a new version of %(object)s"),
    "restarted": gettext_lazy("%(actor)s moved the learners of %(object)s to its new version"),
    "started": gettext_lazy("%(actor)s started %(object)s"),
    "lesson_completed": gettext_lazy("%(actor)s completed a lesson of %(object)s"),
    "quiz_submitted": gettext_lazy("%(actor)s took a quiz of %(object)s"),
    "passed": gettext_lazy("%(actor)s passed %(object)s"),
    "assigned": gettext_lazy("%(actor)s assigned %(object)s"),
    "certified": gettext_lazy("%(actor)s was granted %(object)s"),
    "renewal_assigned": gettext_lazy("%(actor)s was asked to renew %(object)s"),
    "question_added": gettext_lazy("%(actor)s added a question to %(object)s"),
    "question_changed": gettext_lazy("%(actor)s changed a question of %(object)s"),
    "question_removed": gettext_lazy("%(actor)s removed a question from %(object)s"),
    "responded": gettext_lazy("Someone answered %(object)s"),
    "sent": gettext_lazy("%(actor)s sent %(object)s by e-mail"),
    "reminded": gettext_lazy("%(actor)s reminded those who did not answer %(object)s"),
    "follow_up_opened": gettext_lazy("%(object)s opened, its feature shipped"),
    "follow_up_scheduled": gettext_lazy(
        "%(actor)s scheduled a follow-up survey of “%(detail)s” after %(object)s ships"
    ),
    "highlighted": gettext_lazy("%(actor)s highlighted a passage of %(object)s"),
    "highlight_removed": gettext_lazy("%(actor)s removed a highlight of %(object)s"),
    # Found when the gate is evaluated again (payload ``changes.gate_verdict``, ``failing``).
    "gate_verdict_changed": gettext_lazy("The release gate verdict of %(object)s changed"),
}

_DETAIL_KEYS = ("feature_title", "name", "attachment", "decision", "shipped_in")

# Fields whose names Django derives from the attribute (no verbose_name) get a translated label.
FIELD_LABELS = {
    "product": gettext_lazy("Product"),
    "area": gettext_lazy("Area"),
    "owner_team": gettext_lazy("Owner team"),
    "owner": gettext_lazy("Owner"),
    "tags": gettext_lazy("Tags"),
    "features": gettext_lazy("Features"),
    "release": gettext_lazy("Release"),
    "email": gettext_lazy("E-mail"),
    "required_playbooks": gettext_lazy("Required playbooks"),
    "onboarding_playbook": gettext_lazy("Onboarding playbook"),
    "release_playbooks": gettext_lazy("Playbooks every release requires"),
}

# Labels of the values of diff keys that are no field of the target (a roadmap column kept on a
# feature's history): ``{key: {value: label}}``, filled by :func:`register_values`.
VALUE_LABELS: dict[str, dict] = {}


def register_values(key: str, *, label, choices) -> None:
    """Name a diff key that is no model field, and the labels of its values, for timelines."""
    FIELD_LABELS[key] = label
    VALUE_LABELS[key] = dict(choices)


@dataclass
class Change:
    """One field's change, ready to print: ``label: old → new`` or a sentence for long text."""

    label: str
    old: str = ""
    new: str = ""
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    kind: str = "value"  # value | text | set

    @property
    def summary(self) -> str:
        """What happened to the value, without the field's name."""
        if self.kind == "text":
            return _("text edited")
        if self.kind == "set":
            parts = []
            if self.added:
                parts.append(_("added %(items)s") % {"items": ", ".join(self.added)})
            if self.removed:
                parts.append(_("removed %(items)s") % {"items": ", ".join(self.removed)})
            return "; ".join(parts)
        return f"{self.old} → {self.new}"

    def __str__(self) -> str:
        return f"{self.label}: {self.summary}"


@dataclass
class Entry:
    activity: Activity
    sentence: SafeString
    changes: list[Change]
    url: str | None
    # How many more changes were grouped with this one (same person, verb and minute).
    similar: int = 0

    @property
    def created_at(self) -> dt.datetime:
        return self.activity.created_at

    @property
    def actor(self):
        return self.activity.actor

    @property
    def verb(self) -> str:
        return self.activity.verb

    @property
    def note(self) -> str:
        """Why, when the change was given a reason (a roadmap move, say)."""
        return str(self.activity.payload.get("reason") or "")


def describe(activities: Iterable[Activity]) -> list[Entry]:
    """Each activity as an :class:`Entry`. Select ``actor`` and ``target_type`` beforehand."""
    activities = list(activities)
    targets = _load_targets(activities)
    names = _load_related_names(activities)
    return [_entry(a, targets.get((a.target_type_id, a.target_id)), names) for a in activities]


def group_by_day(entries: list[Entry]) -> list[tuple[str, list[Entry]]]:
    """Entries under a heading per local day: "Today", "Yesterday" or the date."""
    today = timezone.localdate()
    days: dict[dt.date, list[Entry]] = {}
    for entry in entries:
        days.setdefault(timezone.localtime(entry.created_at).date(), []).append(entry)
    return [(_day_label(day, today), items) for day, items in days.items()]


def _day_label(day: dt.date, today: dt.date) -> str:
    if day == today:
        return _("Today")
    if day == today - dt.timedelta(days=1):
        return _("Yesterday")
    fmt = pgettext("date heading in a timeline, PHP date format", "l, F j")
    if day.year != today.year:
        fmt = pgettext("date heading in a timeline of another year, PHP date format", "l, F j, Y")
    return capfirst(formats.date_format(day, fmt))


def _load_targets(activities: list[Activity]) -> dict[tuple[int, int], models.Model]:
    wanted: dict[int, set[int]] = defaultdict(set)
    types = {}
    for a in activities:
        wanted[a.target_type_id].add(a.target_id)
        types[a.target_type_id] = a.target_type
    found = {}
    for type_id, ids in wanted.items():
        model = types[type_id].model_class()
        if model is None:
            continue
        for obj in model._base_manager.filter(pk__in=ids):
            found[(type_id, obj.pk)] = obj
    return found


def _model_field(activity: Activity, name: str):
    model = activity.target_type.model_class()
    try:
        field = model._meta.get_field(name) if model else None
    except FieldDoesNotExist:  # removed since the activity was written
        return None
    # A reverse relation shares the name space but is no field of the row: a change key that
    # happens to match one (``versions``, ``links``) is shown as a plain value.
    return None if field is not None and field.auto_created and not field.concrete else field


def _load_related_names(activities: list[Activity]) -> dict[type, dict[int, str]]:
    """Names of the rows that foreign keys and id lists in the diffs point to."""
    wanted: dict[type, set[int]] = defaultdict(set)
    for a in activities:
        for name, pair in a.changes.items():
            f = _model_field(a, name)
            if f is None or not f.is_relation:
                continue
            for value in pair or ():
                values = value if isinstance(value, list) else [value]
                wanted[f.related_model].update(v for v in values if isinstance(v, int))
    return {
        model: {obj.pk: str(obj) for obj in model._base_manager.filter(pk__in=ids)}
        for model, ids in wanted.items()
    }


def _entry(activity: Activity, target, names) -> Entry:
    url = target.get_absolute_url() if hasattr(target, "get_absolute_url") else None
    changes = [_change(activity, k, pair, names) for k, pair in activity.changes.items()]
    return Entry(activity=activity, sentence=_sentence(activity, url), changes=changes, url=url)


def _sentence(activity: Activity, url: str | None) -> SafeString:
    actor = activity.actor
    actor_html = format_html('<strong class="timeline-actor">{}</strong>', actor or "Wavelength")
    model = activity.target_type.model
    kind = KINDS.get(model) or activity.target_type.name
    if url:
        target_html = format_html('<a href="{}">{}</a>', url, activity.target_repr)
    else:
        target_html = format_html('<span class="timeline-gone">{}</span>', activity.target_repr)
    values = {
        "actor": actor_html,
        "object": format_html("{} {}", kind, target_html),
        "member": format_html("<strong>{}</strong>", activity.payload.get("member", "")),
        "token": escape(activity.payload.get("token", "")),
        "checklist": escape(activity.payload.get("checklist", "")),
        # What a link or an attachment names, whichever the activity kept.
        "detail": escape(
            next((str(activity.payload[k]) for k in _DETAIL_KEYS if activity.payload.get(k)), "")
        ),
    }
    template = VERBS.get(activity.verb)
    if activity.verb == "stage_changed" and activity.payload.get("shipped_in"):
        template = VERBS["stage_changed:shipped"]
    elif activity.verb == "stage_changed" and activity.payload.get("unmet"):
        template = VERBS["stage_changed:overridden"]
    if template is None:
        return format_html("{} · {} {}", actor_html, activity.verb, values["object"])
    # The translated template is escaped first; only the escaped pieces above are inserted.
    return mark_safe(escape(str(template)) % values)  # noqa: S308


def _change(activity: Activity, name: str, pair, names) -> Change:
    f = _model_field(activity, name)
    label = str(FIELD_LABELS.get(name) or (capfirst(f.verbose_name) if f else capfirst(name)))
    old, new = (list(pair) + [None, None])[:2] if isinstance(pair, list | tuple) else (None, pair)
    if f is not None and isinstance(f, models.TextField):
        return Change(label=label, kind="text")
    if isinstance(old, list) or isinstance(new, list):
        old_set, new_set = set(old or []), set(new or [])
        return Change(
            label=label,
            kind="set",
            added=[_show(f, v, names) for v in sorted(new_set - old_set, key=str)],
            removed=[_show(f, v, names) for v in sorted(old_set - new_set, key=str)],
        )
    if name in VALUE_LABELS and f is None:
        labels = VALUE_LABELS[name]
        return Change(label=label, old=str(labels.get(old, old or EMPTY)),
                      new=str(labels.get(new, new or EMPTY)))  # fmt: skip
    return Change(label=label, old=_show(f, old, names), new=_show(f, new, names))


def _show(f, value, names) -> str:
    """A stored value as a person reads it: a choice's label, a row's name, a local date."""
    if value is None or value == "":
        return EMPTY
    if f is None:
        return str(value)
    if f.is_relation:
        return names.get(f.related_model, {}).get(value, str(value))
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(f, models.BooleanField):
        return _("yes") if value else _("no")
    if isinstance(f, models.DateTimeField):
        parsed = _parse(dt.datetime.fromisoformat, value)
        if parsed is None:
            return str(value)
        if timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed, dt.UTC)
        return formats.date_format(timezone.localtime(parsed), "DATETIME_FORMAT")
    if isinstance(f, models.DateField):
        parsed = _parse(dt.date.fromisoformat, value)
        return formats.date_format(parsed, "DATE_FORMAT") if parsed else value
    return str(value)


def _parse(parse, value):
    try:
        return parse(value)
    except (TypeError, ValueError):
        return None
