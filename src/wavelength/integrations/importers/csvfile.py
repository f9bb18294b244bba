"""Reading a CSV export into feedback items: decoding, the delimiter, the header, one row.

Rows are numbered as a spreadsheet shows them: the header is row 1, the first record row 2
(a quoted cell spanning several lines still counts as one row). Cells are kept as text;
nothing is ever evaluated, so a cell such as ``=cmd|' /C calc'!A0`` is stored as typed.
"""

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wavelength.feedback.models import FeedbackType, Sentiment, Source

from . import ImportRefused

MAX_ROW_BYTES = 1024 * 1024
PREVIEW_ROWS = 20
# The csv module refuses longer fields with an error we turn into "row N is too long".
csv.field_size_limit(MAX_ROW_BYTES)

FIELDS = {
    "text": gettext_lazy("Text"),
    "title": gettext_lazy("Title"),
    "source": gettext_lazy("Source"),
    "external_id": gettext_lazy("External id"),
    "received_at": gettext_lazy("Received"),
    "contact_email": gettext_lazy("Contact e-mail"),
    "contact_name": gettext_lazy("Contact name"),
    "company": gettext_lazy("Company"),
    "tags": gettext_lazy("Tags"),
    "type": gettext_lazy("Type"),
    "sentiment": gettext_lazy("Sentiment"),
    "language": gettext_lazy("Language"),
}
LIMITS = {"title": 200, "external_id": 200, "contact_name": 150, "company": 200, "language": 8}
TEXT_LIMIT = 50_000
DELIMITERS = ",;\t|"
TYPE_SYNONYMS = {
    "feature": "feature_request",
    "idea": "feature_request",
    "request": "feature_request",
    "incident": "bug",
    "problem": "bug",
    "defect": "bug",
    "enhancement": "improvement",
    "compliment": "praise",
}
SENTIMENT_SYNONYMS = {"negative": "negative", "neutral": "neutral", "positive": "positive"}
STARS = {"1": "negative", "2": "negative", "3": "neutral", "4": "positive", "5": "positive"}
DATE_FORMATS = ("%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M %z", "%d/%m/%Y %H:%M", "%d/%m/%Y")


def refuse(message: str, field: str = "file") -> ImportRefused:
    return ImportRefused(message, field=field)


# Decoding ---------------------------------------------------------------------------------


def decode(data: bytes) -> tuple[str, str]:
    """The text of ``data`` and the encoding read: UTF-8 (with or without a BOM) or UTF-16
    with a BOM. Anything else is refused with the line of the first bad byte."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            raise refuse(_("The file starts like UTF-16 but is not valid UTF-16.")) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise refuse(
            _(
                "The file is not UTF-8: line %(line)d has the byte 0x%(byte)02X. Save it as "
                "“CSV UTF-8” and upload it again."
            )
            % {"line": line, "byte": data[exc.start]}
        ) from None
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise refuse(
            _("Line %(line)d holds a NUL character: is the file UTF-16 without a BOM?")
            % {"line": line}
        )
    return text, "UTF-8"


def sniff_delimiter(text: str) -> str:
    """The delimiter of the header line: the sniffer's guess when the header holds it,
    otherwise whichever candidate the header holds most (a comma when none)."""
    header = text.split("\n", 1)[0]
    try:
        guess = csv.Sniffer().sniff(text[:65536], delimiters=DELIMITERS).delimiter
    except csv.Error:
        guess = ""
    if guess and guess in header:
        return guess
    counts = {d: header.count(d) for d in DELIMITERS}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


# The table --------------------------------------------------------------------------------


@dataclass
class Table:
    columns: list[str]
    delimiter: str
    encoding: str
    text: str = field(repr=False)
    # A column name may repeat (Jira writes one "Labels" column per label): cells joined.
    repeats: bool = False

    def records(self) -> Iterator[tuple[int, dict[str, str]]]:
        """``(row number, {column: cell})`` for each non-blank record after the header."""
        reader = csv.reader(io.StringIO(self.text, newline=""), delimiter=self.delimiter)
        row = 0
        while True:
            row += 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise _row_error(row, exc) from None
            if row == 1 or not any(c.strip() for c in cells):
                continue
            if sum(len(c) for c in cells) > MAX_ROW_BYTES:
                raise _too_long(row)
            if self.repeats:
                yield row, _joined(self.columns, cells)
            else:
                yield row, dict(zip(self.columns, cells, strict=False))

    def preview(self, limit: int = PREVIEW_ROWS) -> list[tuple[int, dict[str, str]]]:
        out = []
        for record in self.records():
            out.append(record)
            if len(out) >= limit:
                break
        return out


def _joined(columns: list[str], cells: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, cell in zip(columns, cells, strict=False):
        cell = cell.strip()
        if name in out and cell:
            out[name] = f"{out[name]}, {cell}" if out[name] else cell
        elif name not in out:
            out[name] = cell
    return out


def _at_row(row: int, message: str) -> ImportRefused:
    return ImportRefused(
        message, field="file", rows=[{"row": row, "column": "", "message": message}]
    )


def _too_long(row: int) -> ImportRefused:
    return _at_row(row, _("Row %(row)d is longer than 1 MB; split or shorten it.") % {"row": row})


def _row_error(row: int, exc: csv.Error) -> ImportRefused:
    if "field larger than field limit" in str(exc):
        return _too_long(row)
    message = _("Row %(row)d cannot be read as CSV: %(error)s") % {"row": row, "error": exc}
    return _at_row(row, message)


def parse(data: bytes, *, repeats: bool = False) -> Table:
    """Decode ``data``, find its delimiter and read its header (nothing else yet); with
    ``repeats`` a column name may appear more than once."""
    text, encoding = decode(data)
    if not text.strip():
        raise refuse(_("The file is empty."))
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except csv.Error as exc:
        raise _row_error(1, exc) from None
    columns = [c.strip() for c in header]
    if sum(len(c) for c in columns) > MAX_ROW_BYTES:
        raise _too_long(1)
    if not any(columns):
        raise refuse(_("Row 1 must name the columns."))
    seen: dict[str, int] = {}
    for n, name in enumerate(columns, start=1):
        if name and name in seen and not repeats:
            raise refuse(
                _("Column “%(name)s” appears twice (columns %(a)d and %(b)d).")
                % {"name": name, "a": seen[name], "b": n}
            )
        seen[name] = n
    return Table(
        columns=columns, delimiter=delimiter, encoding=encoding, text=text, repeats=repeats
    )


# Mappings ---------------------------------------------------------------------------------


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", name.lower())


def guess_mapping(columns: list[str]) -> dict[str, str]:
    """Columns named like a field (``text``, ``Contact e-mail``…) mapped to it: what an
    exported file needs to come back in."""
    names = {_norm(k): k for k in FIELDS} | {_norm(str(v)): k for k, v in FIELDS.items()}
    mapping: dict[str, str] = {}
    for column in columns:
        target = names.get(_norm(column))
        if target and target not in mapping.values():
            mapping[column] = target
    return mapping


def check_mapping(mapping: dict[str, str], columns: list[str]) -> dict[str, str]:
    """The mapping without blank choices; refused when it names an unknown field, maps a
    field twice, leaves out the text or names columns the file lacks."""
    clean = {str(c): str(f) for c, f in mapping.items() if f}
    unknown = sorted({f for f in clean.values() if f not in FIELDS})
    if unknown:
        raise refuse(
            _("Unknown field %(fields)s; choose from %(choices)s.")
            % {"fields": ", ".join(unknown), "choices": ", ".join(FIELDS)},
            field="mapping",
        )
    for target in FIELDS:
        twice = [c for c, f in clean.items() if f == target]
        if len(twice) > 1:
            raise refuse(
                _("Columns %(columns)s are all mapped to %(field)s; keep one.")
                % {"columns": ", ".join(f"“{c}”" for c in twice), "field": target},
                field="mapping",
            )
    if "text" not in clean.values():
        raise refuse(_("Map a column to the text (required)."), field="mapping")
    missing = [c for c in clean if c not in columns]
    if missing:
        raise refuse(
            _("The file has no column %(columns)s (mapped in this mapping).")
            % {"columns": ", ".join(f"“{c}”" for c in missing)},
            field="mapping",
        )
    return clean


# One row ----------------------------------------------------------------------------------


def _choice(value: str, choices, synonyms: dict[str, str]) -> str:
    key = value.strip().lower()
    if not key:
        return ""
    for option, label in choices.choices:
        if key in (option, str(label).lower(), option.replace("_", " ")):
            return option
    if key in synonyms:
        return synonyms[key]
    raise ValueError(
        _("Unknown value “%(value)s”; choose from %(choices)s.")
        % {"value": value.strip()[:50], "choices": ", ".join(choices.values)}
    )


def _sentiment(value: str) -> str:
    return STARS.get(value.strip()) or _choice(value, Sentiment, SENTIMENT_SYNONYMS)


def _source(value: str) -> str:
    return _choice(value, Source, {"zendesk": "support", "intercom": "support"})


def parse_when(value: str) -> dt.datetime | None:
    """A date or date-time in ISO 8601, RFC 2822 or a few export formats; naive ones are
    read in the server's time zone. ``None`` for a blank cell."""
    value = value.strip()
    if not value:
        return None
    when = _parse_when(value)
    if when is None:
        raise ValueError(_("“%(value)s” is not a date.") % {"value": value[:50]})
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    return when


def _parse_when(value: str) -> dt.datetime | None:
    try:
        when = parse_datetime(value.replace(" UTC", "+00:00").replace("Z", "+00:00"))
        if when is None and (day := parse_date(value)) is not None:
            when = dt.datetime.combine(day, dt.time())
    except ValueError:
        when = None
    if when is None:
        when = _parse_formats(value)
    if when is not None and when.year < 1900:
        raise ValueError(_("“%(value)s” is not a date.") % {"value": value[:50]})
    return when


def _parse_formats(value: str) -> dt.datetime | None:
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt)
        except ValueError:
            continue
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None


def _email(value: str) -> str:
    email = value.strip().lower()
    if not email:
        return ""
    try:
        validate_email(email)
    except ValidationError:
        message = _("“%(value)s” is not an e-mail address.") % {"value": value[:50]}
        raise ValueError(message) from None
    return email


def _tags(value: str) -> list[str]:
    return [t.strip()[:50] for t in re.split(r"[,;|]", value) if t.strip()]


CONVERTERS = {
    "source": _source,
    "received_at": parse_when,
    "contact_email": _email,
    "tags": _tags,
    "type": lambda v: _choice(v, FeedbackType, TYPE_SYNONYMS),
    "sentiment": _sentiment,
    "language": lambda v: v.strip().lower().replace("_", "-"),
}


def row_item(
    cells: dict[str, str], mapping: dict[str, str], *, source: str
) -> tuple[dict, dict[str, str]]:
    """The feedback item a row makes, and ``{column: message}`` for each bad cell."""
    item: dict = {"source": source}
    errors: dict[str, str] = {}
    for column, target in mapping.items():
        raw = cells.get(column) or ""
        try:
            value = _convert(target, raw)
        except ValueError as exc:
            errors[column] = str(exc)
            continue
        if value not in ("", None, []):
            item[target] = value
    if not item.get("text") and "text" in mapping.values():
        column = next(c for c, f in mapping.items() if f == "text")
        errors.setdefault(column, _("The text is empty."))
    return item, errors


def _convert(target: str, raw: str):
    if target in CONVERTERS:
        return CONVERTERS[target](raw)
    value = raw.strip() if target != "text" else raw.strip().replace("\r\n", "\n")
    limit = TEXT_LIMIT if target == "text" else LIMITS.get(target, 200)
    if len(value) > limit:
        raise ValueError(_("At most %(n)d characters.") % {"n": limit})
    return value
