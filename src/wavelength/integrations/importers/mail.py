"""E-mail messages (``.eml`` files, mbox archives, raw MIME) as feedback items.

The sender becomes the contact (its domain finds the company in the feedback services), the
subject the title, the text/plain part (or the HTML part turned into plain text, never
rendered) the text, ``Message-ID`` the external id with source ``email`` and ``Date`` the
received time. A message without a usable sender or body is refused with the reason.
"""

import email
import email.errors
import hashlib
import re
from email.message import EmailMessage
from email.policy import default as default_policy
from html.parser import HTMLParser

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _

from wavelength.feedback.models import Source

from . import ImportRefused

TEXT_LIMIT = 50_000
MAX_MESSAGE_BYTES = 25 * 1024 * 1024
# Parsing hostile input can fail deep inside the stdlib; these are the ways it does.
PARSE_ERRORS = (
    email.errors.MessageError,
    LookupError,
    ValueError,
    TypeError,
    IndexError,
    AttributeError,
    UnicodeError,
    AssertionError,
    RecursionError,
)
_BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"}


class _TextFromHTML(HTMLParser):
    """Visible text of an HTML body: no script or style, line breaks at block ends."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "head", "title"):
            self.hidden += 1
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "head", "title"):
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    parser = _TextFromHTML()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts).replace("\xa0", " ")
    text = re.sub(r"[ \t]+", " ", text)
    return re.sub(r"\n\s*\n+", "\n\n", text).strip()


def refuse(message: str, field: str = "raw") -> ImportRefused:
    return ImportRefused(message, field=field)


def parse_message(raw: bytes | str) -> dict:
    """The feedback item one message makes; :class:`ImportRefused` says why it cannot."""
    if isinstance(raw, str):
        raw = raw.encode("utf-8", "surrogateescape")
    if len(raw) > MAX_MESSAGE_BYTES:
        raise refuse(_("The message is larger than 25 MB."))
    if not raw.strip():
        raise refuse(_("The message is empty."))
    try:
        message = email.message_from_bytes(raw, policy=default_policy)
        item = _item(message)
    except ImportRefused:
        raise
    except PARSE_ERRORS as exc:
        raise refuse(_("The message cannot be read: %(error)s") % {"error": exc}) from None
    item["external_id"] = item["external_id"] or "sha256:" + hashlib.sha256(raw).hexdigest()
    return item


def _item(message: EmailMessage) -> dict:
    name, address = _sender(message)
    text = _body(message)
    subject = " ".join(str(message.get("Subject") or "").split())
    return {
        "source": Source.EMAIL,
        "contact_email": address,
        "contact_name": name[:150],
        "title": subject[:199] + "…" if len(subject) > 200 else subject,
        "text": text,
        "external_id": _message_id(message),
        "received_at": _date(message),
    }


def _sender(message: EmailMessage) -> tuple[str, str]:
    header = message.get("From")
    addresses = getattr(header, "addresses", ()) if header is not None else ()
    if not addresses or not addresses[0].addr_spec or "@" not in addresses[0].addr_spec:
        raise refuse(_("The message has no sender (From) address."), field="from")
    sender = addresses[0]
    address = sender.addr_spec.strip().lower()
    try:
        validate_email(address)
    except ValidationError:
        raise refuse(
            _("The sender “%(address)s” is not a valid e-mail address.") % {"address": address},
            field="from",
        ) from None
    return " ".join(sender.display_name.split()), address


def _body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        raise refuse(_("The message has no text body."), field="body")
    content = part.get_content()
    if not isinstance(content, str):
        raise refuse(_("The message has no text body."), field="body")
    if part.get_content_subtype() == "html":
        content = html_to_text(content)
    text = content.replace("\r\n", "\n").replace("\x00", "").strip()
    if not text:
        raise refuse(_("The message body is empty."), field="body")
    if len(text) > TEXT_LIMIT:
        raise refuse(
            _("The message body is longer than %(n)d characters.") % {"n": TEXT_LIMIT},
            field="body",
        )
    return text


def _message_id(message: EmailMessage) -> str:
    value = str(message.get("Message-ID") or "").strip().strip("<>").strip()
    if len(value) > 200:
        return "sha256:" + hashlib.sha256(value.encode("utf-8", "surrogateescape")).hexdigest()
    return value


def _date(message: EmailMessage):
    header = message.get("Date")
    when = getattr(header, "datetime", None) if header is not None else None
    if when is None or when.year < 1900:
        return None
    if timezone.is_naive(when):
        when = timezone.make_aware(when, timezone.get_fixed_timezone(0))
    return when


def split_mbox(data: bytes) -> list[bytes]:
    """The messages of an mbox archive (``From `` lines separate them; ``>From `` in a body
    is unescaped as mboxrd does)."""
    chunks = re.split(rb"(?:^|\r?\n)From [^\n]*\n", data)
    messages = []
    for chunk in chunks:
        if chunk.strip():
            messages.append(re.sub(rb"(?m)^>(>*From )", rb"\1", chunk))
    return messages


def is_mbox(data: bytes) -> bool:
    return data.startswith(b"From ")
