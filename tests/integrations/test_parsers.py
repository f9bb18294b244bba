"""The CSV and e-mail parsers refuse anything with ImportRefused, never another error."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wavelength.integrations.importers import ImportRefused, csvfile, mail

FIELDS = list(csvfile.FIELDS)
fast = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _read_csv(data: bytes, targets: list[str]) -> None:
    try:
        table = csvfile.parse(data)
        mapping = dict(zip(table.columns, targets, strict=False))
        for _row, cells in table.records():
            csvfile.row_item(cells, mapping, source="csv")
        csvfile.check_mapping(mapping, table.columns)
    except ImportRefused as exc:
        assert exc.message


@fast
@given(st.binary(max_size=2000), st.lists(st.sampled_from(FIELDS), max_size=6))
def test_csv_parser_on_arbitrary_bytes(data, targets):
    _read_csv(data, targets)


csv_text = st.text(alphabet=st.sampled_from(list('ab,;\t|"\r\n =+-@é\x00')), max_size=300)


@fast
@given(csv_text, st.lists(st.sampled_from(FIELDS), max_size=6))
def test_csv_parser_on_csv_like_text(text, targets):
    _read_csv(text.encode("utf-8"), targets)


@fast
@given(st.text(max_size=80))
def test_cell_converters_only_refuse_with_value_errors(value):
    for target in FIELDS:
        try:
            csvfile._convert(target, value)
        except ValueError as exc:
            assert str(exc)


def _read_mail(raw) -> None:
    try:
        item = mail.parse_message(raw)
    except ImportRefused as exc:
        assert exc.message
    else:
        assert item["text"] and "@" in item["contact_email"]


@fast
@given(st.binary(max_size=2000))
def test_mail_parser_on_arbitrary_bytes(raw):
    _read_mail(raw)


header_line = st.sampled_from(
    ["From: ", "Subject: ", "Date: ", "Message-ID: ", "Content-Type: ",
     "Content-Transfer-Encoding: ", "MIME-Version: 1.0", ""]
)  # fmt: skip


@fast
@given(st.lists(st.tuples(header_line, st.text(max_size=40)), max_size=8), st.text(max_size=200))
def test_mail_parser_on_message_like_text(headers, body):
    raw = "\r\n".join(h + v for h, v in headers) + "\r\n\r\n" + body
    _read_mail(raw)
