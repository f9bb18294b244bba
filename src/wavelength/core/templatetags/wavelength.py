"""Template helpers shared by every page: ``{% load wavelength %}``.

Others may append filters here; keep each one small and free of queries.
"""

import functools
import re
from html import unescape

from django import template
from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils.html import escape, format_html, strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wavelength.core import formats
from wavelength.core.markdown import render

register = template.Library()

_MARK = re.compile(r"\[\[(.+?)\]\]", re.DOTALL)
_CSS_TOKEN = re.compile(r"[^a-z0-9_-]")

# Which top-bar section a page belongs to, by URL name prefix (first match wins).
_SECTIONS = [
    ("catalog:product", "products"),
    ("catalog:feature", "features"),
    ("catalog:release", "releases"),
    ("catalog:changelog-create", "releases"),
    ("catalog:changelog", "changelog"),
    ("accounts:team", "teams"),
    ("accounts:user", "people"),
    ("accounts:token", "tokens"),
    ("accounts:two-factor", "two-factor"),
    ("accounts:audit", "audit"),
    ("integrations:webhook", "webhooks"),
    ("accounts:security-policy", "two-factor"),
    ("core:search", "search"),
    ("core:notification", "notifications"),
    ("core:home", "home"),
]


@register.filter(name="duration")
def duration_filter(ms) -> str:
    """``{{ result.duration_ms|duration }}``: "8 min 56 s" rather than "536000 ms"."""
    return formats.duration(ms)


@register.filter(name="day")
def day_filter(value) -> str:
    """``{{ release.target_date|day }}``: a date in the locale's format."""
    return formats.day(value)


@register.filter(name="moment")
def moment_filter(value) -> str:
    """``{{ comment.created_at|moment }}``: a date and time in the locale's format."""
    return formats.moment(value)


@register.filter(name="ago")
def ago_filter(value) -> SafeString:
    """``{{ activity.created_at|ago }}``: "3 hours ago" within a week, else the day; the
    exact moment in a ``<time>`` element's title."""
    if not value:
        return mark_safe("—")  # noqa: S308 - a constant
    return format_html(
        '<time datetime="{}" title="{}">{}</time>',
        value.isoformat(),
        formats.moment(value),
        formats.ago(value),
    )


@register.filter(name="markdown")
def markdown_filter(text):
    return render(text)


_FIRST_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.DOTALL)


@register.filter
def summary(text, length: int = 220) -> str:
    """The first paragraph of some Markdown as plain text, cut at ``length`` characters."""
    match = _FIRST_PARAGRAPH.search(render(text))
    plain = strip_tags(match.group(1)) if match else ""
    return Truncator(unescape(plain)).chars(int(length))


@register.filter
def highlight(text) -> SafeString:
    """Escape ``text``, then show the search index's ``[[match]]`` markers as ``<mark>``."""
    escaped = escape(text or "")
    # escape() never produces brackets, so the markers survive it and nothing else is trusted.
    return mark_safe(_MARK.sub(r"<mark>\1</mark>", escaped))  # noqa: S308


@register.filter
def mark_terms(text, query) -> SafeString:
    """Escape ``text`` and wrap words starting with a term of ``query`` in ``<mark>``.

    Used for result titles, which the index returns without markers. Matching runs on the raw
    text and each piece is escaped on its own, so a term can never split an HTML entity.
    """
    text = str(text or "")
    words = sorted({w for w in re.findall(r"\w+", str(query or "").lower())}, key=len, reverse=True)
    if not words:
        return escape(text)
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, words)) + r")\w*", re.IGNORECASE)
    out, last = [], 0
    for match in pattern.finditer(text):
        out += [escape(text[last : match.start()]), format_html("<mark>{}</mark>", match.group())]
        last = match.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece is escaped above


@register.filter
def initials(user) -> str:
    """One or two letters for an avatar: "Alice Admin" → "AA", "bob@x.org" → "B"."""
    name = (getattr(user, "name", "") or "").strip()
    if name:
        parts = name.split()
        return (parts[0][0] + (parts[-1][0] if len(parts) > 1 else "")).upper()
    email = getattr(user, "email", "") or str(user or "")
    return email[:1].upper() or "?"


@register.filter
def css_token(value) -> str:
    """A value safe to use inside a class name (``stage-{{ f.stage|css_token }}``)."""
    return _CSS_TOKEN.sub("-", str(value or "").lower())


@register.simple_tag
def stage_badge(obj_or_value, label=None) -> SafeString:
    """``{% stage_badge feature %}`` or ``{% stage_badge "beta" "Beta" %}``: a lifecycle pill."""
    value, label = _value_and_label(obj_or_value, label, "stage")
    return format_html(
        '<span class="badge stage-{}"><span class="badge-dot" aria-hidden="true"></span>{}</span>',
        css_token(value),
        label,
    )


@register.simple_tag
def status_badge(obj_or_value, label=None) -> SafeString:
    """``{% status_badge release %}``: a release status pill (planned, in progress…)."""
    value, label = _value_and_label(obj_or_value, label, "status")
    return format_html('<span class="badge release-{}">{}</span>', css_token(value), label)


@register.simple_tag
def late_badge(release) -> SafeString:
    """``{% late_badge release %}``: "late" when a release in flight missed its target date."""
    if not getattr(release, "is_late", False):
        return mark_safe("")  # noqa: S308 - empty
    return format_html(
        '<span class="badge badge-danger badge-late" title="{}">{}</span>',
        _("Target date %(date)s has passed") % {"date": formats.day(release.target_date)},
        _("late"),
    )


def _value_and_label(obj_or_value, label, attr: str) -> tuple[str, str]:
    if hasattr(obj_or_value, attr):
        value = getattr(obj_or_value, attr)
        display = getattr(obj_or_value, f"get_{attr}_display", None)
        return value, label or (display() if display else value)
    return obj_or_value, label or obj_or_value


@register.simple_tag(takes_context=True)
def active_section(context) -> str:
    """The top-bar section of the current page, for ``aria-current``."""
    match = getattr(context.get("request"), "resolver_match", None)
    name = f"{match.namespace}:{match.url_name}" if match and match.url_name else ""
    return next((section for prefix, section in _SECTIONS if name.startswith(prefix)), "")


@register.simple_tag(takes_context=True)
def query_replace(context, **kwargs):
    """The current query string with some parameters replaced (for pagination links)."""
    params = context["request"].GET.copy()
    for key, value in kwargs.items():
        params[key] = value
    return params.urlencode()


@register.simple_tag(takes_context=True)
def query_replace_param(context, key, value):
    """Like :func:`query_replace` for a parameter whose name is in a variable."""
    params = context["request"].GET.copy()
    params[key] = value
    return params.urlencode()


@register.simple_tag(takes_context=True)
def unread_notifications(context) -> int:
    """How many unread notifications the signed-in person has (one count query per page)."""
    from wavelength.core.notifications import unread_count

    request = context.get("request")
    return unread_count(user=getattr(request, "user", None))


# The top bar: single links and groups (a dropdown on wide screens, a labelled list in the
# phone menu). Each entry: (label, URL name, URL-name prefixes that make it the current one).
# An app that is not installed simply has no URL, and its entry is left out.
_NAV = [
    (gettext_lazy("Home"), "core:home", ("core:home",)),
    (
        gettext_lazy("Product"),
        [
            (gettext_lazy("Products"), "catalog:product-list", ("catalog:product",)),
            (gettext_lazy("Features"), "catalog:feature-list", ("catalog:feature",)),
            (gettext_lazy("Roadmap"), "planning:roadmap", ("planning:roadmap",)),
            (gettext_lazy("Objectives"), "planning:objective-list", ("planning:objective",)),
            (
                gettext_lazy("Releases"),
                "catalog:release-list",
                ("catalog:release", "catalog:changelog-create"),
            ),
            (gettext_lazy("Changelog"), "catalog:changelog", ("catalog:changelog",)),
        ],
    ),
    (
        gettext_lazy("Feedback"),
        [
            (
                gettext_lazy("Inbox"),
                "feedback:feedback-list",
                ("feedback:feedback", "integrations:"),
            ),
            (gettext_lazy("Customers"), "feedback:company-list", ("feedback:company",)),
            (gettext_lazy("Surveys"), "research:survey-list", ("research:survey",)),
            (
                gettext_lazy("Research"),
                "research:study-list",
                ("research:study", "research:persona", "research:competitor"),
            ),
            (
                gettext_lazy("Prioritisation"),
                "prioritisation:prioritisation",
                ("prioritisation:prioritisation",),
            ),
        ],
    ),
    (gettext_lazy("Docs"), "knowledge:home", ("knowledge:",)),
    (gettext_lazy("Playbooks"), "processes:my-steps", ("processes:",)),
    (gettext_lazy("Meetings"), "meetings:series-list", ("meetings:",)),
    (gettext_lazy("Training"), "training:home", ("training:",)),
    (gettext_lazy("Quality"), "quality:index", ("quality:",)),
    (gettext_lazy("Insights"), "insights:dashboard", ("insights:",)),
    (gettext_lazy("Teams"), "accounts:team-list", ("accounts:team",)),
]


@functools.cache
def _nav_url(name: str, script_prefix: str) -> str | None:
    """The address of a section, worked out once per process (and per mount point): the
    navigation is drawn twice on every page."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def _nav_link(entry) -> dict | None:
    label, name, prefixes = entry
    url = _nav_url(name, get_script_prefix())
    return {"label": label, "url": url, "prefixes": prefixes, "active": False} if url else None


@register.simple_tag(takes_context=True)
def nav_entries(context) -> list[dict]:
    """The top bar's links and groups; the first link whose prefix matches the current page
    is marked ``active`` (and so is its group)."""
    match = getattr(context.get("request"), "resolver_match", None)
    current = f"{match.namespace}:{match.url_name}" if match and match.url_name else ""
    entries = []
    for entry in _NAV:
        if isinstance(entry[1], list):
            links = [link for link in map(_nav_link, entry[1]) if link]
            if links:
                entries.append({"label": entry[0], "children": links, "active": False})
        elif link := _nav_link(entry):
            entries.append(link)
    flat = [(e, c) for e in entries for c in e.get("children", [e])]
    for entry, link in flat:
        if current and any(current.startswith(p) for p in link["prefixes"]):
            link["active"] = entry["active"] = True
            break
    return entries


@register.simple_tag(takes_context=True)
def object_panels(context, obj) -> SafeString:
    """``{% object_panels obj %}``: the panels other apps registered for ``obj``'s page
    (see :mod:`wavelength.core.panels`)."""
    from django.template.loader import get_template

    from wavelength.core.panels import panels_for

    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    html = []
    for panel, extra in panels_for(user=user, obj=obj):
        with context.push(**extra):
            html.append(get_template(panel.template).template.render(context))
    return mark_safe("".join(html))  # noqa: S308 - rendered by autoescaping templates
