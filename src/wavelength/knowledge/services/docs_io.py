"""Docs as code: a space as a folder of Markdown files with front matter, and back.

Each page is one file, ``<slug>.md``::

    ---
    title: Expense policy
    space: policies
    slug: expense-policy
    parent: finance
    owner: alice@example.com
    status: published
    review_days: 365
    ---
    The page's Markdown, byte for byte.

Front matter is ``key: value`` lines (a value may be written in double quotes, as JSON).
An import checks every file first and writes in one transaction: a bad line names the file and
the line, and nothing is imported.
"""

import json
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from wavelength.accounts.models import User
from wavelength.accounts.permissions import require_editor
from wavelength.core.exceptions import DomainError

from ..access import require_read
from ..models import Page, PageStatus, Space
from .governance import page_set_status
from .pages import page_create, page_update

KEYS = ("title", "space", "slug", "parent", "owner", "status", "review_days")
REQUIRED = ("title", "space")
_LINE = re.compile(r"^([A-Za-z_][A-Za-z0-9_-]*)\s*:\s?(.*)$")
MAX_FILES = 5000


@dataclass
class Doc:
    path: str
    meta: dict[str, str]
    lines: dict[str, int]  # the line each key was on, for messages
    body: str
    page: Page | None = field(default=None)


def _fail(path: str, line: int | None, message: str) -> DomainError:
    where = _("%(file)s, line %(line)d") % {"file": path, "line": line} if line else path
    return DomainError(f"{where}: {message}", field="files")


def _value(raw: str) -> str:
    raw = raw.strip()
    if raw.startswith('"'):
        try:
            value = json.loads(raw)
        except ValueError:
            raise ValueError(_("the quoted value is not closed properly")) from None
        if not isinstance(value, str):
            raise ValueError(_("a quoted value must be text"))
        return value
    return raw


def parse(path: str, text: str, *, keys=KEYS, required=REQUIRED) -> Doc:
    """One file's front matter and text; a :class:`DomainError` names the bad line. Other
    folders of Markdown files (training's courses) read their own ``keys``."""
    text = text.replace("\r\n", "\n")
    if not text.startswith("---\n"):
        raise _fail(path, 1, _("a page file starts with a “---” line, then its front matter."))
    meta: dict[str, str] = {}
    lines: dict[str, int] = {}
    rows = text.split("\n")
    for number, line in enumerate(rows[1:], start=2):
        if line == "---":
            body = "\n".join(rows[number:])
            break
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _LINE.match(line)
        if not match:
            raise _fail(
                path, number, _("expected “key: value”, found “%(line)s”.") % {"line": line[:80]}
            )
        key = match.group(1).lower()
        if key not in keys:
            raise _fail(
                path,
                number,
                _("“%(key)s” is not a known key (%(keys)s).")
                % {"key": key, "keys": ", ".join(keys)},
            )
        if key in meta:
            raise _fail(path, number, _("“%(key)s” is given twice.") % {"key": key})
        try:
            meta[key] = _value(match.group(2))
        except ValueError as exc:
            raise _fail(path, number, str(exc)) from None
        lines[key] = number
    else:
        raise _fail(path, None, _("the front matter has no closing “---” line."))
    for key in required:
        if not meta.get(key):
            raise _fail(path, lines.get(key), _("“%(key)s” is required.") % {"key": key})
    return Doc(path=path, meta=meta, lines=lines, body=body)


def _check(doc: Doc, spaces: dict, people: dict, actor) -> None:
    meta, line = doc.meta, doc.lines.get
    space = spaces.get(meta["space"].lower())
    if space is None:
        raise _fail(doc.path, line("space"), _("no space “%(s)s”.") % {"s": meta["space"]})
    require_read(actor, space)
    if meta.get("owner") and meta["owner"].lower() not in people:
        raise _fail(
            doc.path, line("owner"), _("nobody has the e-mail “%(e)s”.") % {"e": meta["owner"]}
        )
    if meta.get("status") and meta["status"] not in PageStatus.values:
        raise _fail(
            doc.path,
            line("status"),
            _("status is one of %(choices)s.") % {"choices": ", ".join(PageStatus.values)},
        )
    days = meta.get("review_days", "180")
    if not days.isdigit() or not 1 <= int(days) <= 3650:
        raise _fail(doc.path, line("review_days"), _("review_days is a number of days, 1 to 3650."))


def _ordered(docs: list[Doc]) -> list[Doc]:
    """Parents before their children (a parent may also be a page already there)."""
    by_key = {(d.meta["space"].lower(), d.meta.get("slug", "")): d for d in docs}
    done: set[int] = set()
    out: list[Doc] = []

    def visit(doc: Doc, depth: int = 0) -> None:
        if id(doc) in done:
            return
        if depth > 50:
            raise _fail(doc.path, doc.lines.get("parent"), _("the parents form a loop."))
        parent = by_key.get((doc.meta["space"].lower(), doc.meta.get("parent", "")))
        if doc.meta.get("parent") and parent is not None:
            visit(parent, depth + 1)
        done.add(id(doc))
        out.append(doc)

    for doc in sorted(docs, key=lambda d: d.path):
        visit(doc)
    return out


def docs_import(*, actor, files: dict[str, str]) -> dict[str, int]:
    """Create or update a page per file (matched by space and slug); all or nothing.

    Returns ``{"created": n, "updated": n, "unchanged": n}``.
    """
    require_editor(actor)
    if len(files) > MAX_FILES:
        raise DomainError(_("At most %(n)d files at once.") % {"n": MAX_FILES}, field="files")
    docs = [parse(path, text) for path, text in sorted(files.items())]
    if not docs:
        raise DomainError(_("No Markdown file to import."), field="files")
    spaces = {s.slug.lower(): s for s in Space.objects.prefetch_related("teams")}
    spaces.update({s.name.lower(): s for s in spaces.values()})
    emails = {d.meta["owner"].lower() for d in docs if d.meta.get("owner")}
    people = {u.email.lower(): u for u in User.objects.filter(email__in=emails)}
    seen: dict[tuple, str] = {}
    for doc in docs:
        _check(doc, spaces, people, actor)
        key = (spaces[doc.meta["space"].lower()].pk, doc.meta.get("slug") or doc.meta["title"])
        if key in seen:
            raise _fail(
                doc.path, doc.lines.get("slug"), _("same page as %(f)s.") % {"f": seen[key]}
            )
        seen[key] = doc.path
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    with transaction.atomic():
        for doc in _ordered(docs):
            try:
                counts[_write(doc, spaces, people, actor)] += 1
            except DomainError as exc:
                field_name = next(iter(exc.errors), "")
                raise _fail(doc.path, doc.lines.get(field_name), exc.message) from None
    return counts


def _write(doc: Doc, spaces, people, actor) -> str:
    meta = doc.meta
    space = spaces[meta["space"].lower()]
    owner = people.get(meta.get("owner", "").lower()) if meta.get("owner") else None
    parent = None
    if meta.get("parent"):
        parent = Page.objects.filter(space=space, slug=meta["parent"]).first()
        if parent is None:
            raise _fail(
                doc.path,
                doc.lines.get("parent"),
                _("no page “%(p)s” in this space.") % {"p": meta["parent"]},
            )
    days = int(meta.get("review_days", "180"))
    status = meta.get("status") or PageStatus.DRAFT
    page = Page.objects.filter(space=space, slug=meta["slug"]).first() if meta.get("slug") else None
    if page is None:
        page_create(
            actor=actor,
            space=space,
            title=meta["title"],
            body=doc.body,
            parent=parent,
            owner=owner,
            status=status,
            review_interval_days=days,
            slug=meta.get("slug"),
        )
        return "created"
    same = (
        page.title == meta["title"]
        and page.body == doc.body
        and page.parent_id == getattr(parent, "pk", None)
        and page.owner_id == getattr(owner, "pk", page.owner_id)
        and page.review_interval_days == days
        and page.status == status
    )
    if same:
        return "unchanged"
    page = page_update(
        actor=actor,
        page=page,
        base_version=None,
        title=meta["title"],
        body=doc.body,
        parent=parent,
        owner=owner or page.owner,
        review_interval_days=days,
        note=_("Imported from %(file)s") % {"file": doc.path},
    )
    page_set_status(actor=actor, page=page, status=status)
    return "updated"


def _quoted(value: str) -> str:
    if value != value.strip() or value.startswith('"') or "\n" in value:
        return json.dumps(value, ensure_ascii=False)
    return value


def render_doc(page: Page) -> str:
    meta = [
        ("title", page.title),
        ("space", page.space.slug),
        ("slug", page.slug),
        ("parent", page.parent.slug if page.parent_id else ""),
        ("owner", page.owner.email if page.owner_id else ""),
        ("status", page.status),
        ("review_days", str(page.review_interval_days)),
    ]
    head = "".join(f"{k}: {_quoted(v)}\n" for k, v in meta if v)
    return f"---\n{head}---\n{page.body}"


def docs_export(*, actor, space: Space) -> dict[str, str]:
    """The space as ``{"<slug>.md": text}``, in a stable order."""
    require_read(actor, space)
    pages = Page.objects.filter(space=space).select_related("space", "parent", "owner")
    return {f"{p.slug}.md": render_doc(p) for p in pages.order_by("slug")}
