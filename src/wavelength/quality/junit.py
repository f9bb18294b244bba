"""JUnit XML, the test report format of pytest, Maven Surefire, Jest, Go, PHPUnit and others.

The parser reads untrusted files, so it uses defusedxml with DTDs forbidden: no entity can be
declared, let alone expanded (billion laughs, quadratic blow-up) and no external entity or
DTD is ever fetched. A size limit comes first, so nothing huge is parsed at all.

Supported shapes: ``<testsuites>`` holding ``<testsuite>`` elements (nested too, as Jest and
some Maven plugins write), or one bare ``<testsuite>``. Each ``<testcase>`` has ``name``,
``classname`` (or ``file``), ``time``; a ``<failure>`` or ``<error>`` child makes it failed, a
``<skipped>`` child skipped; ``<properties>``, ``<system-out>`` and ``<system-err>`` become
notes. A test is identified as ``classname::name`` (``name`` alone without a class), which is
what a test case's automated-test identifier holds.
"""

from dataclasses import dataclass, field
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from django.utils.translation import gettext as _

from wavelength.core.exceptions import DomainError

MAX_BYTES = 64 * 1024 * 1024
MAX_CASES = 200_000
MAX_TEXT = 4000
MAX_ID = 500
PASSED, FAILED, SKIPPED = "passed", "failed", "skipped"
# When one report names the same test twice (re-runs), the worst outcome stands.
_WORST = {FAILED: 3, PASSED: 2, SKIPPED: 1}


@dataclass
class ParsedCase:
    identifier: str
    name: str
    classname: str
    suite: str
    status: str
    duration_ms: int | None = None
    message: str = ""
    output: str = ""
    properties: dict[str, str] = field(default_factory=dict)

    @property
    def notes(self) -> str:
        parts = [self.message]
        if self.properties:
            parts.append("\n".join(f"{k} = {v}" for k, v in self.properties.items()))
        parts.append(self.output)
        return "\n\n".join(p for p in parts if p)[: MAX_TEXT * 2]


def _clip(text: str | None, limit: int = MAX_TEXT) -> str:
    text = (text or "").strip().replace("\x00", "")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _local(tag) -> str:
    """The tag without a namespace (some tools add one)."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _duration(value: str | None) -> int | None:
    try:
        seconds = float((value or "").replace(",", ""))
    except ValueError:
        return None
    if not (0 <= seconds < 10**9):  # NaN, infinities and negatives say nothing
        return None
    return round(seconds * 1000)


def _properties(element: Element) -> dict[str, str]:
    props = {}
    for holder in element:
        if _local(holder.tag) != "properties":
            continue
        for prop in holder:
            name = prop.get("name")
            if _local(prop.tag) == "property" and name:
                props[_clip(name, 200)] = _clip(prop.get("value") or prop.text, 1000)
    return props


def _case(element: Element, suite: str) -> ParsedCase:
    name = (element.get("name") or "").strip()
    classname = (element.get("classname") or element.get("file") or "").strip()
    if not name:
        raise DomainError(
            _("A <testcase> in suite “%(suite)s” has no name.") % {"suite": suite or "?"},
            field="file",
        )
    identifier = f"{classname}::{name}" if classname else name
    status, message, output = PASSED, "", []
    for child in element:
        tag = _local(child.tag)
        if tag in ("failure", "error"):
            status = FAILED
            kind = child.get("type") or tag
            text = child.get("message") or ""
            message = _clip(f"{kind}: {text}\n{child.text or ''}".strip())
        elif tag == "skipped" and status != FAILED:
            status = SKIPPED
            message = _clip(child.get("message") or child.text or "")
        elif tag in ("system-out", "system-err") and child.text:
            output.append(_clip(child.text))
    return ParsedCase(
        identifier=_clip(identifier, MAX_ID),
        name=name,
        classname=classname,
        suite=suite,
        status=status,
        duration_ms=_duration(element.get("time")),
        message=message,
        output=_clip("\n".join(output)),
        properties=_properties(element),
    )


def _walk(element: Element, suite: str, out: dict[str, ParsedCase]) -> None:
    for child in element:
        tag = _local(child.tag)
        if tag == "testsuite":
            _walk(child, child.get("name") or suite, out)
        elif tag == "testcase":
            case = _case(child, suite)
            kept = out.get(case.identifier)
            if kept is None or _WORST[case.status] > _WORST[kept.status]:
                out[case.identifier] = case
            if len(out) > MAX_CASES:
                raise DomainError(
                    _("A report can hold at most %(n)d test cases.") % {"n": MAX_CASES},
                    field="file",
                )


def check_size(data: bytes) -> None:
    """A ``DomainError`` on ``file`` for a report over ``MAX_BYTES`` or with nothing in it:
    what can be refused without reading it."""
    if len(data) > MAX_BYTES:
        raise DomainError(
            _("The report is larger than %(mb)d MB.") % {"mb": MAX_BYTES // (1024 * 1024)},
            field="file",
        )
    if not data.strip():
        raise DomainError(_("The report is empty."), field="file")


def parse(data: bytes | str) -> list[ParsedCase]:
    """The test cases of a JUnit XML report, in report order; a ``DomainError`` on the
    ``file`` field names what is wrong with a malformed, hostile or oversized one."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    check_size(data)
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise DomainError(
            _("The report declares a DTD or entities, which are refused."), field="file"
        ) from None
    except ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        raise DomainError(
            _("The report is not well-formed XML (line %(line)d, column %(column)d).")
            % {"line": line, "column": column},
            field="file",
        ) from None
    tag = _local(root.tag)
    if tag not in ("testsuites", "testsuite"):
        raise DomainError(
            _("This is not a JUnit report: its root is <%(tag)s>, not <testsuites>.")
            % {"tag": _clip(tag, 60)},
            field="file",
        )
    out: dict[str, ParsedCase] = {}
    _walk(root, root.get("name") or "", out)
    if not out:
        raise DomainError(_("The report holds no test case."), field="file")
    return list(out.values())
