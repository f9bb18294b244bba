"""How a generated agenda item reads, in the reader's language and date format.

A generated item stores its ``kind`` (the agenda part) and ``params``: names as they were when
the agenda was built, dates as ISO strings, stages, statuses and gate criteria as their codes.
The sentence is made when the item is shown, so an attendee reading French sees French, with
French dates, whoever built the agenda. Once a person edits an item, their own title and note
are shown as they wrote them.
"""

import datetime as dt

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from wavelength.catalog import gates
from wavelength.catalog.models import Stage
from wavelength.core import formats
from wavelength.quality.models import DefectStatus

MANUAL = "manual"


def _day(value) -> str:
    return formats.day(dt.date.fromisoformat(value)) if value else "—"


def _stage(code) -> str:
    return str(dict(Stage.choices).get(code, code or "—"))


def _criterion(key: str) -> str:
    labels = {c.key: c.label for c in gates.criteria()}
    return str(labels.get(key, key))


def _feedback(p: dict) -> tuple[str, str]:
    title = _("Feedback from %(company)s: %(title)s") % {"company": p.get("company", ""),
                                                          "title": p.get("title", "")}  # fmt: skip
    return title, p.get("text", "")


def _asks(p: dict) -> tuple[str, str]:
    title = ngettext(
        "%(feature)s: asked for %(count)d more time",
        "%(feature)s: asked for %(count)d more times",
        p.get("new", 0),
    ) % {"feature": p.get("feature", ""), "count": p.get("new", 0)}
    note = ngettext(
        "%(count)d request in all, from %(companies)d customer.",
        "%(count)d requests in all, from %(companies)d customers.",
        p.get("total", 0),
    ) % {"count": p.get("total", 0), "companies": p.get("companies", 0)}
    return title, note


def _stages(p: dict) -> tuple[str, str]:
    title = _("%(feature)s moved to %(stage)s") % {"feature": p.get("feature", ""),
                                                  "stage": _stage(p.get("new"))}  # fmt: skip
    note = _("From %(stage)s.") % {"stage": _stage(p["old"])} if p.get("old") else ""
    return title, note


def _releases(p: dict) -> tuple[str, str]:
    title = _("%(release)s is due on %(date)s") % {"release": p.get("release", ""),
                                                  "date": _day(p.get("date"))}  # fmt: skip
    if p.get("passes"):
        return title, _("Gate passes.")
    failing = "; ".join(_criterion(k) for k in p.get("failing", []))
    return title, _("Gate fails: %(criteria)s.") % {"criteria": failing or "—"}


def _steps(p: dict) -> tuple[str, str]:
    title = _("Overdue: %(step)s (%(run)s)") % {"step": p.get("step", ""), "run": p.get("run", "")}
    note = _("Due on %(date)s; %(who)s.") % {"date": _day(p.get("due_on")),
                                            "who": p.get("who") or "—"}  # fmt: skip
    return title, note


def _defects(p: dict) -> tuple[str, str]:
    title = _("Critical defect: %(defect)s") % {"defect": p.get("defect", "")}
    return title, str(dict(DefectStatus.choices).get(p.get("status"), p.get("status", "")))


def _pages(p: dict) -> tuple[str, str]:
    title = _("Stale page: %(page)s") % {"page": p.get("page", "")}
    reasons = []
    if p.get("review_due_on"):
        reasons.append(_("Its review date, %(date)s, has passed.")
                       % {"date": _day(p["review_due_on"])})  # fmt: skip
    if p.get("reason"):
        reasons.append(p["reason"])
    return title, " ".join(reasons)


def _actions(p: dict) -> tuple[str, str]:
    title = _("Carried over: %(action)s (%(owner)s)") % {"action": p.get("action", ""),
                                                          "owner": p.get("owner", "")}  # fmt: skip
    note = _("Due on %(date)s.") % {"date": _day(p["due_on"])} if p.get("due_on") else ""
    return title, note


RENDER = {
    "feedback": _feedback,
    "asks": _asks,
    "stages": _stages,
    "releases": _releases,
    "steps": _steps,
    "defects": _defects,
    "pages": _pages,
    "actions": _actions,
}


def generated(kind: str, params: dict) -> tuple[str, str]:
    """The title and note a generated item reads as, in the active language."""
    render = RENDER.get(kind)
    return render(params or {}) if render else ("", "")


def describe(item) -> tuple[str, str]:
    """What an agenda item reads as: a person's own words where they wrote some, else the
    generated sentence in the active language."""
    if item.kind == MANUAL or not item.params:
        return item.title, item.note
    title, note = generated(item.kind, item.params)
    return item.title or title, item.note or note
