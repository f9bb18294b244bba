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
def progress(percent) -> str:
    """``{% progress 40 %}``: a bar and the percentage."""
    percent = int(percent or 0)
    return format_html(
        PROGRESS,
        title=_("%(percent)s%% done") % {"percent": percent},
        p=percent,
        label=_("Progress"),
    )


def _due(completed_at, due_on, today) -> str:
    if completed_at:
        return format_html(
            '<span class="badge">{} · {}</span>', _("Passed"), formats.day(completed_at)
        )
    if due_on < today:
        return format_html(
            '<span class="badge badge-danger">{} · {}</span>', _("Overdue"), formats.day(due_on)
        )
    return format_html('<span class="badge">{} {}</span>', _("Due"), formats.day(due_on))


@register.simple_tag
def due(row) -> str:
    """``{% due assignment %}``: passed on, overdue since, or due on its date."""
    return _due(row.completed_at, row.due_on, clock.now().date())


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
    today = clock.now().date()
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
                _due(r["completed_at"], r["due_on"], today),
                l_progress,
                progress(r["percent"]),
                l_score,
                "—" if r["best_score"] is None else f"{r['best_score']}%",
            )
            for r in rows
        ),
    )


@register.simple_tag
def options(choices, selected=None) -> str:
    """``{% options courses course.pk %}``: ``<option>`` elements of ``(id, label)`` pairs (the
    report's course filter lists every course)."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((pk, " selected" if pk == selected else "", label) for pk, label in choices),
    )
