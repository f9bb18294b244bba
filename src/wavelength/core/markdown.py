"""Markdown to safe HTML: CommonMark with tables, strikethrough and task lists, then sanitised
by nh3.

Wiki links (``[[Page title]]``, ``[[Page title|label]]``, ``[[feature:Title]]``,
``[[release:Orbit 2.4]]``, ``[[product:Orbit]]``; a number after the colon is an id) are parsed
here so every app renders them the same way. Without a ``resolve`` callable they stay as the
text the author typed; an app that knows what they point at passes one (see
:func:`wiki_links` to collect them first and resolve them all in a fixed number of queries).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from html import unescape

import nh3
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from mdit_py_plugins.tasklists import tasklists_plugin

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
    "input": {"checked", "disabled"},
}
_CLASSES = {
    "a": {"wikilink", "wikilink-missing"},
    "ul": {"contains-task-list"},
    "li": {"task-list-item"},
    "input": {"task-list-item-checkbox"},
}
# Only checkboxes: a task list's box, never a text field someone typed into a page.
_VALUES = {"input": {"type": {"checkbox"}}}

WIKI_KINDS = ("page", "feature", "release", "product")
_WIKI = re.compile(r"\[\[([^\[\]\n|]{1,200})(?:\|([^\[\]\n]{1,200}))?\]\]")


@dataclass(frozen=True)
class WikiLink:
    kind: str  # one of WIKI_KINDS
    key: str  # a title (or "Product version" for a release), or an id as digits
    label: str

    @property
    def ref(self) -> tuple[str, str]:
        return (self.kind, self.key.casefold())


@dataclass(frozen=True)
class Resolved:
    url: str
    exists: bool = True


Resolver = Callable[[WikiLink], Resolved | None]


def parse_wiki_link(target: str, label: str | None = None) -> WikiLink:
    kind, sep, rest = target.partition(":")
    if sep and kind.strip().lower() in WIKI_KINDS and rest.strip():
        kind, key = kind.strip().lower(), rest.strip()
    else:
        kind, key = "page", target.strip()
    return WikiLink(kind=kind, key=key, label=(label or "").strip() or key)


def _wiki_rule(state, silent: bool) -> bool:
    if not state.src.startswith("[[", state.pos):
        return False
    match = _WIKI.match(state.src, state.pos)
    if not match or not match.group(1).strip():
        return False
    if not silent:
        token = state.push("wikilink", "", 0)
        token.meta = {"link": parse_wiki_link(match.group(1), match.group(2))}
        token.content = match.group(0)
    state.pos = match.end()
    return True


def _wiki_render(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    link: WikiLink = token.meta["link"]
    resolve = env.get("resolve")
    found = resolve(link) if resolve else None
    if found is None:
        return escape(token.content)
    css = "wikilink" if found.exists else "wikilink wikilink-missing"
    return f'<a class="{css}" href="{escape(found.url)}">{escape(link.label)}</a>'


def _build() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False})
    md.enable(["table", "strikethrough"]).use(tasklists_plugin)
    md.inline.ruler.before("link", "wikilink", _wiki_rule)
    md.add_render_rule("wikilink", _wiki_render)
    return md


_md = _build()


def wiki_links(text: str | None) -> list[WikiLink]:
    """Every wiki link in ``text`` (outside code), in order, each (kind, key) once."""
    seen: dict[tuple[str, str], WikiLink] = {}
    try:
        tokens = _md.parse(text or "")
    except Exception:  # noqa: BLE001 - broken Markdown links to nothing
        return []
    for block in tokens:
        for token in block.children or ():
            if token.type == "wikilink":
                link = token.meta["link"]
                seen.setdefault(link.ref, link)
    return list(seen.values())


def render(text: str | None, *, resolve: Resolver | None = None) -> SafeString:
    """Render user Markdown; any HTML the author typed is escaped, links are made safe."""
    try:
        html = _md.render(text or "", {"resolve": resolve})
    except Exception:  # noqa: BLE001 - whatever breaks the parser is shown as typed
        html = f"<pre>{escape(text or '')}</pre>"
    return mark_safe(  # noqa: S308 - nh3 sanitised it just above
        nh3.clean(
            html,
            tags=_TAGS,
            attributes=_ATTRS,
            allowed_classes=_CLASSES,
            tag_attribute_values=_VALUES,
            url_schemes={"http", "https", "mailto"},
        )
    )


def plain_text(text: str | None) -> str:
    """What a reader sees of some Markdown, without any markup: "**Launch** <em>v2</em>"
    reads "Launch v2" (for slugs, titles in plain-text places and summaries)."""
    return " ".join(strip_tags(unescape(strip_tags(render(text)))).split())
