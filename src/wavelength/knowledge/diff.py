"""A readable side-by-side diff of two texts, with the changed words highlighted.

Lines are matched with difflib; a replaced line is compared word by word so a one-word edit
in a long paragraph shows as that word. Everything returned is escaped HTML.
"""

import difflib
import re
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_TOKENS = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)
# Word-level comparison of very long lines costs more than it tells.
WORD_DIFF_MAX = 2000


@dataclass(frozen=True)
class Row:
    op: str  # "equal", "delete", "insert", "replace", "skip"
    old_no: int | None
    old: SafeString
    new_no: int | None
    new: SafeString


@dataclass(frozen=True)
class Diff:
    rows: list[Row]
    added: int
    removed: int

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed)


def _words(old: str, new: str) -> tuple[SafeString, SafeString]:
    if len(old) > WORD_DIFF_MAX or len(new) > WORD_DIFF_MAX:
        return mark_safe(f"<del>{escape(old)}</del>"), mark_safe(f"<ins>{escape(new)}</ins>")  # noqa: S308
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    left, right = [], []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        old_part, new_part = escape("".join(a[i1:i2])), escape("".join(b[j1:j2]))
        if op == "equal":
            left.append(old_part)
            right.append(new_part)
        else:
            if old_part:
                left.append(f"<del>{old_part}</del>")
            if new_part:
                right.append(f"<ins>{new_part}</ins>")
    return mark_safe("".join(left)), mark_safe("".join(right))  # noqa: S308 - escaped above


def compare(old: str, new: str, *, context: int = 3) -> Diff:
    """Rows of a side-by-side diff; unchanged stretches longer than ``2 * context`` fold into a
    "skip" row."""
    a, b = (old or "").splitlines(), (new or "").splitlines()
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    rows: list[Row] = []
    added = removed = 0
    empty = mark_safe("")
    for group in matcher.get_grouped_opcodes(context):
        if rows or group[0][1] > 0:
            rows.append(Row("skip", None, empty, None, empty))
        for op, i1, i2, j1, j2 in group:
            if op == "equal":
                for k in range(i2 - i1):
                    text = escape(a[i1 + k])
                    rows.append(Row("equal", i1 + k + 1, text, j1 + k + 1, text))
                continue
            removed += i2 - i1
            added += j2 - j1
            for k in range(max(i2 - i1, j2 - j1)):
                has_old, has_new = i1 + k < i2, j1 + k < j2
                if has_old and has_new:
                    left, right = _words(a[i1 + k], b[j1 + k])
                    rows.append(Row("replace", i1 + k + 1, left, j1 + k + 1, right))
                elif has_old:
                    rows.append(Row("delete", i1 + k + 1, escape(a[i1 + k]), None, empty))
                else:
                    rows.append(Row("insert", None, empty, j1 + k + 1, escape(b[j1 + k])))
    return Diff(rows=rows, added=added, removed=removed)
