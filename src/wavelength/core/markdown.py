"""Markdown to safe HTML: CommonMark with tables and strikethrough, then sanitised by nh3."""

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(["table", "strikethrough"])
_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "s", "del", "code",
    "pre", "blockquote", "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th",
    "td", "input",
}  # fmt: skip
_ATTRS = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "th": {"style"},
    "td": {"style"},
    "ol": {"start"},
    "code": {"class"},
}


def render(text: str | None) -> SafeString:
    """Render user Markdown; any HTML the author typed is escaped, links are made safe."""
    html = _md.render(text or "")
    return mark_safe(  # noqa: S308 - nh3 sanitised it just above
        nh3.clean(html, tags=_TAGS, attributes=_ATTRS, url_schemes={"http", "https", "mailto"})
    )
