"""CSV downloads: streamed line by line, with a UTF-8 BOM so spreadsheets read the accents,
and every cell a spreadsheet would run as a formula given a leading quote."""

import csv
from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> str:
    """``=1+1`` → ``'=1+1``: spreadsheets show such a cell as text instead of running it."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[Iterable]) -> Iterator[str]:
    """The CSV text of ``rows`` (the first is the header), line by line."""
    writer = csv.writer(_Echo())
    for number, row in enumerate(rows):
        line = writer.writerow([neutralise(v) for v in row])
        yield "\ufeff" + line if number == 0 else line


def csv_response(rows: Iterable[Iterable], filename: str) -> StreamingHttpResponse:
    """A download of ``rows`` named ``filename``, streamed as it is written."""
    response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
