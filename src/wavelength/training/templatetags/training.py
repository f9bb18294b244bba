"""The progress bar and due-date badge of training's lists, rendered in Python: the report and
"my learning" show one per row, where an included template costs a millisecond each."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from wavelength.core import clock, formats

register = template.Library()


PROGRESS = (
    '<div class="pb-progress" title="{title}"><div class="pb-progress-bar" '
    'role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow="{p}" '
    'aria-label="{label}"><span style="width: {p}%"></span></div>'
    '<span class="small muted nowrap">{p}%</span></div>'
)


@register.simple_tag
def progress(percent, done: str = "", label: str = "") -> str:
    """``{% progress 40 %}``: a bar and the percentage (a table's rows pass the translated
    ``done`` and ``label`` once for all)."""
    percent = int(percent or 0)
    return format_html(
        PROGRESS,
        title=(done or _("%(percent)s%% done")) % {"percent": percent},
        p=percent,
        label=label or _("Progress"),
    )


class _Dues:
    """The due-date badges of one table: labels translated once, each date formatted once."""

    def __init__(self):
        self.today = clock.now().date()
        self.passed, self.overdue, self.due = _("Passed"), _("Overdue"), _("Due")
        self.days: dict = {}

    def day(self, value) -> str:
        if value not in self.days:
            self.days[value] = formats.day(value)
        return self.days[value]

    def __call__(self, completed_at, due_on) -> str:
        if completed_at:
            return format_html(
                '<span class="badge">{} · {}</span>', self.passed, self.day(completed_at)
            )
        if due_on < self.today:
            return format_html(
                '<span class="badge badge-danger">{} · {}</span>', self.overdue, self.day(due_on)
            )
        return format_html('<span class="badge">{} {}</span>', self.due, self.day(due_on))


@register.simple_tag
def due(row) -> str:
    """``{% due assignment %}``: passed on, overdue since, or due on its date."""
    return _Dues()(row.completed_at, row.due_on)


REPORT_ROW = (
    '<tr><td class="cell-main">{}</td><td data-label="{}"><a href="{}">{}</a></td>'
    '<td data-label="{}">{}</td><td data-label="{}">{}</td>'
    '<td class="num" data-label="{}">{}</td></tr>'
)


@register.simple_tag
def report_rows(rows) -> str:
    """``{% report_rows page.object_list %}``: the completion report's rows of
    ``selectors.report_rows``, one format string a row (the template engine's lookups of a
    row's ten cells cost more than the row's SQL)."""
    l_course, l_due, l_progress, l_score = _("Course"), _("Due"), _("Progress"), _("Best score")
    dues, done = _Dues(), _("%(percent)s%% done")
    return format_html_join(
        "\n",
        REPORT_ROW,
        (
            (
                r["person"],
                l_course,
                r["url"],
                r["title"],
                l_due,
                dues(r["completed_at"], r["due_on"]),
                l_progress,
                progress(r["percent"], done, l_progress),
                l_score,
                "—" if r["best_score"] is None else f"{r['best_score']}%",
            )
            for r in rows
        ),
    )


COUNT_ROW = (
    '<tr><td class="cell-main">{}</td><td class="num" data-label="{}">{}</td>'
    '<td class="num" data-label="{}">{}</td><td class="num" data-label="{}">{}</td>'
    '<td data-label="{}">{}</td></tr>'
)


@register.simple_tag
def count_rows(rows) -> str:
    """``{% count_rows rows %}``: the report's table by course or by team
    (``selectors.completion_report``), one format string a row."""
    if not rows:
        return format_html('<tr><td colspan="5" class="muted">{}</td></tr>',
                           _("Nothing assigned yet."))  # fmt: skip
    l_assigned, l_passed, l_overdue = _("Assigned"), _("Passed"), _("Overdue")
    l_completion, done, l_progress = _("Completion"), _("%(percent)s%% done"), _("Progress")
    return format_html_join(
        "\n",
        COUNT_ROW,
        (
            (
                r["name"], l_assigned, r["total"], l_passed, r["done"], l_overdue,
                format_html('<span class="badge badge-danger">{}</span>', r["overdue"])
                if r["overdue"] else 0,
                l_completion, progress(r["percent"], done, l_progress),
            )
            for r in rows
        ),
    )  # fmt: skip


@register.simple_tag
def options(choices, selected=None) -> str:
    """``{% options courses course.pk %}``: ``<option>`` elements of ``(id, label)`` pairs (the
    report's course filter lists every course)."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((pk, " selected" if pk == selected else "", label) for pk, label in choices),
    )
