"""The roadmap's timeline as an SVG image, drawn on the server from the same lanes as the page.

One row per lane (product, team or objective), its releases from left to right by target date,
each a box with its version, target date, "late" mark and the features it ships (the first
few, then how many more). Text is escaped and the size follows the content, so the file opens
in a browser, a slide or a document as it is.
"""

from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.translation import gettext as _

BOX_WIDTH = 240
GAP = 16
LINE = 18
MARGIN = 24
FEATURES_SHOWN = 8
HEADER = 56
LANE_TITLE = 30
MAX_CHARS = 34


def _clip(text: str, size: int = MAX_CHARS) -> str:
    text = str(text)
    return text if len(text) <= size else text[: size - 1] + "…"


def _text(x, y, text, *, size=13, weight="normal", fill="#1f2933", clip=MAX_CHARS) -> str:
    return (
        f'<text x="{x}" y="{y}" font-size="{size}" font-weight="{weight}" fill="{fill}">'
        f"{escape(_clip(text, clip))}</text>"
    )


def _box_height(row) -> int:
    shown = min(len(row.features), FEATURES_SHOWN)
    more = 1 if row.total > shown else 0
    return 2 * LINE + 12 + (shown + more) * LINE + 8


def _release_box(x: int, y: int, row) -> list[str]:
    release = row.release
    height = _box_height(row)
    stroke = "#c0392b" if row.late else "#9aa5b1"
    out = [
        f'<rect x="{x}" y="{y}" width="{BOX_WIDTH}" height="{height}" rx="6" fill="#ffffff" '
        f'stroke="{stroke}" stroke-width="{2 if row.late else 1}"/>',
        _text(x + 10, y + LINE, f"{release.product.name} {release.version}", weight="bold"),
    ]
    when = (
        date_format(release.target_date, "DATE_FORMAT")
        if release.target_date
        else _("No target date")
    )
    if row.late:
        when = f"{when} · {_('Late')}"
    out.append(_text(x + 10, y + 2 * LINE, when, size=11,
                     fill="#c0392b" if row.late else "#52606d"))  # fmt: skip
    line_y = y + 2 * LINE + 14
    for feature in row.features[:FEATURES_SHOWN]:
        out.append(_text(x + 12, line_y, f"• {feature.title}", size=12))
        line_y += LINE
    hidden = row.total - min(len(row.features), FEATURES_SHOWN)
    if hidden > 0:
        more = _("%(n)d more") % {"n": hidden}
        out.append(_text(x + 12, line_y, more, size=11, fill="#52606d"))
    return out


def roadmap_svg(lanes, *, title: str, subtitle: str = "") -> str:
    """The SVG document of ``lanes`` (as :func:`selectors.timeline` gives them)."""
    body, y, width = [], HEADER + MARGIN, 2 * MARGIN + BOX_WIDTH
    for lane in lanes:
        body.append(_text(MARGIN, y + 18, lane.label, size=15, weight="bold", clip=80))
        y += LANE_TITLE
        x, tallest = MARGIN, 0
        for row in lane.releases:
            body.extend(_release_box(x, y, row))
            tallest = max(tallest, _box_height(row))
            x += BOX_WIDTH + GAP
        width = max(width, x - GAP + MARGIN)
        y += tallest + 2 * GAP
    if not lanes:
        body.append(_text(MARGIN, y + 18, _("No planned or in-progress release matches."), clip=80))
        y += 40
    height = y + MARGIN
    head = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="system-ui, -apple-system, Segoe UI, '
        f'Roboto, sans-serif" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<rect width="{width}" height="{height}" fill="#f5f7fa"/>',
        _text(MARGIN, MARGIN + 8, title, size=20, weight="bold", clip=100),
    ]
    if subtitle:
        head.append(_text(MARGIN, MARGIN + 30, subtitle, size=12, fill="#52606d", clip=140))
    return "\n".join([*head, *body, "</svg>"]) + "\n"
