"""The progress bar and due-date badge of training's lists, rendered in Python: the report and
"my learning" show one per row, where an included template costs a millisecond each."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from wavelength.core import formats

register = template.Library()


@register.simple_tag
def progress(percent) -> str:
    """``{% progress 40 %}``: a bar and the percentage."""
    percent = int(percent or 0)
    return format_html(
        '<div class="pb-progress" title="{title}"><div class="pb-progress-bar" '
        'role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow="{p}" '
        'aria-label="{label}"><span style="width: {p}%"></span></div>'
        '<span class="small muted nowrap">{p}%</span></div>',
        title=_("%(percent)s%% done") % {"percent": percent},
        p=percent,
        label=_("Progress"),
    )


@register.simple_tag
def due(row) -> str:
    """``{% due assignment %}``: passed on, overdue since, or due on its date."""
    if row.completed_at:
        return format_html(
            '<span class="badge">{} · {}</span>', _("Passed"), formats.day(row.completed_at)
        )
    if row.is_overdue():
        return format_html(
            '<span class="badge badge-danger">{} · {}</span>', _("Overdue"), formats.day(row.due_on)
        )
    return format_html('<span class="badge">{} {}</span>', _("Due"), formats.day(row.due_on))


@register.simple_tag
def options(choices, selected=None) -> str:
    """``{% options courses course.pk %}``: ``<option>`` elements of ``(id, label)`` pairs (the
    report's course filter lists every course)."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((pk, " selected" if pk == selected else "", label) for pk, label in choices),
    )
