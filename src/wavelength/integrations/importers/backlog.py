"""Reading a backlog export (Jira issues CSV, Productboard features CSV, Aha! features CSV)
into features, their releases and the links between them.

The file is read as the feedback CSV is (:mod:`.csvfile`: encoding, delimiter, header, rows
numbered as a spreadsheet shows them), except that a column name may repeat: Jira writes one
``Labels`` or ``Fix Version/s`` column per value, whose cells are joined. Nothing is written
here; :func:`row_item` turns a row into plain values or names every bad cell.
"""

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wavelength.catalog.models import Stage

from .csvfile import Table, parse_when, refuse

FIELDS = {
    "key": gettext_lazy("Key (the tool's id)"),
    "title": gettext_lazy("Title"),
    "description": gettext_lazy("Description"),
    "area": gettext_lazy("Area"),
    "stage": gettext_lazy("Stage (status)"),
    "owner": gettext_lazy("Owner (e-mail)"),
    "team": gettext_lazy("Team"),
    "tags": gettext_lazy("Tags"),
    "release": gettext_lazy("Release (version)"),
    "release_date": gettext_lazy("Release target date"),
}
REQUIRED = ("key", "title")
LIMITS = {"key": 100, "title": 200, "area": 120, "release": 40, "team": 120}
DESCRIPTION_LIMIT = 50_000

# Status names the three tools use, to the lifecycle stage they mean.
STAGE_SYNONYMS = {
    "idea": Stage.IDEA, "new": Stage.IDEA, "open": Stage.IDEA, "backlog": Stage.IDEA,
    "to do": Stage.IDEA, "todo": Stage.IDEA, "candidate": Stage.IDEA,
    "under consideration": Stage.DISCOVERY, "discovery": Stage.DISCOVERY,
    "in discovery": Stage.DISCOVERY, "exploring": Stage.DISCOVERY, "needs review": Stage.DISCOVERY,
    "planned": Stage.PLANNED, "ready": Stage.PLANNED, "ready to develop": Stage.PLANNED,
    "selected for development": Stage.PLANNED, "scheduled": Stage.PLANNED,
    "in progress": Stage.IN_DEVELOPMENT, "in development": Stage.IN_DEVELOPMENT,
    "in review": Stage.IN_DEVELOPMENT, "in qa": Stage.IN_DEVELOPMENT,
    "ready to ship": Stage.IN_DEVELOPMENT,
    "beta": Stage.BETA, "in beta": Stage.BETA,
    "done": Stage.GENERALLY_AVAILABLE, "released": Stage.GENERALLY_AVAILABLE,
    "shipped": Stage.GENERALLY_AVAILABLE, "closed": Stage.GENERALLY_AVAILABLE,
    "resolved": Stage.GENERALLY_AVAILABLE, "generally available": Stage.GENERALLY_AVAILABLE,
    "deprecated": Stage.DEPRECATED,
    "retired": Stage.RETIRED, "won't do": Stage.RETIRED, "wont do": Stage.RETIRED,
    "will not implement": Stage.RETIRED, "rejected": Stage.RETIRED,
}  # fmt: skip


@dataclass(frozen=True)
class Preset:
    key: str
    label: str
    # field -> the column names the tool exports, the first present wins.
    columns: dict[str, tuple[str, ...]]


PRESETS = {
    "jira": Preset("jira", "Jira (issues CSV export)", {
        "key": ("Issue key",),
        "title": ("Summary",),
        "description": ("Description",),
        "area": ("Component/s", "Components"),
        "stage": ("Status",),
        "owner": ("Assignee email", "Assignee"),
        "team": ("Team", "Team Name"),
        "tags": ("Labels",),
        "release": ("Fix Version/s", "Fix versions"),
        "release_date": ("Due Date", "Due date"),
    }),
    "productboard": Preset("productboard", "Productboard (features export)", {
        "key": ("Feature ID", "feature_id", "ID"),
        "title": ("Feature name", "feature_name", "Name"),
        "description": ("Description", "feature_description"),
        "area": ("Component", "Parent component", "component_name"),
        "stage": ("Status", "Feature status", "status_name"),
        "owner": ("Owner", "Owner email", "owner_email"),
        "team": ("Team", "team_name"),
        "tags": ("Tags", "tags"),
        "release": ("Release", "Releases", "release_name"),
        "release_date": ("Release end date", "Release date", "Timeframe end"),
    }),
    "aha": Preset("aha", "Aha! (features CSV export)", {
        "key": ("Feature reference #", "Reference num", "Feature ID"),
        "title": ("Feature name", "Name"),
        "description": ("Feature description", "Description"),
        "area": ("Epic name", "Feature epic", "Initiative name"),
        "stage": ("Feature status", "Status"),
        "owner": ("Feature assigned to user email", "Assigned to user email", "Assigned to"),
        "team": ("Team", "Feature team"),
        "tags": ("Feature tags", "Tags"),
        "release": ("Release name", "Release"),
        "release_date": ("Release date", "Release release date"),
    }),
}  # fmt: skip


def unique_columns(table: Table) -> list[str]:
    """The file's column names, each once (a repeated name is one column to map)."""
    return list(dict.fromkeys(c for c in table.columns if c))


def preset_mapping(key: str, columns: list[str]) -> dict[str, str]:
    """``{column: field}`` from a preset's known column names (the first present wins)."""
    preset = PRESETS.get(key)
    if preset is None:
        return guess_mapping(columns)
    lower = {c.lower(): c for c in columns}
    mapping: dict[str, str] = {}
    for target, names in preset.columns.items():
        found = next((lower[n.lower()] for n in names if n.lower() in lower), None)
        if found and found not in mapping:
            mapping[found] = target
    return mapping


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", name.lower())


def guess_mapping(columns: list[str]) -> dict[str, str]:
    """Columns named like a field (``key``, ``title``, ``Release``…)."""
    names = {_norm(k): k for k in FIELDS} | {_norm(str(v)): k for k, v in FIELDS.items()}
    mapping: dict[str, str] = {}
    for column in columns:
        target = names.get(_norm(column))
        if target and target not in mapping.values():
            mapping[column] = target
    return mapping


def check_mapping(mapping: dict[str, str], columns: list[str]) -> dict[str, str]:
    """The mapping without blank choices; refused when it names an unknown field, maps a
    field twice, leaves out the key or the title, or names columns the file lacks."""
    clean = {str(c): str(f) for c, f in mapping.items() if f}
    unknown = sorted({f for f in clean.values() if f not in FIELDS})
    if unknown:
        raise refuse(
            _("Unknown field %(fields)s; choose from %(choices)s.")
            % {"fields": ", ".join(unknown), "choices": ", ".join(FIELDS)},
            field="mapping",
        )
    for target in FIELDS:
        twice = [c for c, f in clean.items() if f == target]
        if len(twice) > 1:
            raise refuse(
                _("Columns %(columns)s are all mapped to %(field)s; keep one.")
                % {"columns": ", ".join(f"“{c}”" for c in twice), "field": target},
                field="mapping",
            )
    for target in REQUIRED:
        if target not in clean.values():
            raise refuse(
                _("Map a column to %(field)s (required).") % {"field": FIELDS[target]},
                field="mapping",
            )
    missing = [c for c in clean if c not in columns]
    if missing:
        raise refuse(
            _("The file has no column %(columns)s (mapped in this mapping).")
            % {"columns": ", ".join(f"“{c}”" for c in missing)},
            field="mapping",
        )
    return clean


# One row ----------------------------------------------------------------------------------


def _stage(value: str) -> str:
    key = value.strip().lower()
    if not key:
        return ""
    if key in Stage.values:
        return key
    labels = {str(label).lower(): v for v, label in Stage.choices}
    stage = STAGE_SYNONYMS.get(key) or labels.get(key)
    if stage is None:
        raise ValueError(_("Unknown status “%(value)s”: map it to a stage.") % {"value": value})
    return stage


def _date(value: str) -> dt.date | None:
    value = value.strip()
    if not value:
        return None
    day = parse_date(value) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else None
    if day is None:
        when = parse_when(value)
        day = when.date() if when else None
    if day is None:
        raise ValueError(_("“%(value)s” is not a date.") % {"value": value})
    return day


def _email(value: str) -> str:
    value = value.strip().lower()
    if not value:
        return ""
    try:
        validate_email(value)
    except ValidationError:
        raise ValueError(_("“%(value)s” is not an e-mail address.") % {"value": value}) from None
    return value


def _tags(value: str) -> list[str]:
    return [t.strip() for t in re.split(r"[,;|]", value) if t.strip()]


def _first(value: str) -> str:
    """A release cell naming several versions (``2.0, 2.1``): the first is the release."""
    return re.split(r"[,;|]", value)[0].strip() if value else ""


def _convert(target: str, raw: str):
    if target == "stage":
        return _stage(raw)
    if target == "release_date":
        return _date(raw)
    if target == "owner":
        return _email(raw)
    if target == "tags":
        return _tags(raw)
    if target == "release":
        raw = _first(raw)
    value = raw.strip()
    if target == "description":
        if len(value) > DESCRIPTION_LIMIT:
            raise ValueError(_("At most %(n)d characters.") % {"n": DESCRIPTION_LIMIT})
        return value
    limit = LIMITS.get(target)
    if limit and len(value) > limit:
        raise ValueError(_("At most %(n)d characters.") % {"n": limit})
    if target in REQUIRED and not value:
        raise ValueError(_("This cell is required."))
    return value


def row_item(record: dict[str, str], mapping: dict[str, str]) -> tuple[dict, dict[str, str]]:
    """The row's values by field, and ``{column: message}`` for each bad cell."""
    item: dict = {}
    errors: dict[str, str] = {}
    for column, target in mapping.items():
        try:
            item[target] = _convert(target, record.get(column, "") or "")
        except ValueError as exc:
            errors[column] = str(exc)
    return item, errors
