"""Ready-made mappings for the CSV exports of common tools (docs/importing.md lists them).

Each field names the export's column candidates, first match wins: the tools rename columns
between versions and export settings, and a column already used is not used twice (a
Zendesk export without "Description" takes its text from "Subject").
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from wavelength.feedback.models import Source

from . import ImportRefused


@dataclass(frozen=True)
class Preset:
    key: str
    label: str
    source: str
    fields: dict[str, tuple[str, ...]]

    def mapping_for(self, columns: list[str]) -> dict[str, str]:
        """``{column: field}`` for the columns of this file."""
        present = {c.strip().lower(): c for c in columns if c}
        mapping: dict[str, str] = {}
        # The text first: it is the one field a row cannot do without.
        order = sorted(self.fields.items(), key=lambda pair: pair[0] != "text")
        for target, candidates in order:
            for candidate in candidates:
                column = present.get(candidate.lower())
                if column and column not in mapping:
                    mapping[column] = target
                    break
        return mapping


PRESETS = {
    p.key: p
    for p in [
        Preset(
            "zendesk",
            _("Zendesk tickets"),
            Source.SUPPORT,
            {
                "external_id": ("Id", "Ticket ID", "Ticket Id"),
                "title": ("Subject",),
                "text": ("Description", "Comment", "Subject"),
                "received_at": ("Created at", "Requested", "Ticket created - Timestamp"),
                "contact_email": ("Requester email", "Requester Email"),
                "contact_name": ("Requester", "Requester name"),
                "company": ("Organization", "Organization name"),
                "tags": ("Tags", "Ticket tags"),
            },
        ),
        Preset(
            "intercom",
            _("Intercom conversations"),
            Source.SUPPORT,
            {
                "external_id": ("Conversation ID", "Conversation Id", "id"),
                "title": ("Conversation title", "Title", "Subject"),
                "text": (
                    "Conversation first message",
                    "First message",
                    "Initial message",
                    "Message body",
                    "Body",
                ),
                "received_at": ("Conversation started at", "Created at", "Started at"),
                "contact_email": ("User email", "Contact email", "Email"),
                "contact_name": ("User name", "Contact name", "Name"),
                "company": ("Company name", "Company"),
                "tags": ("Conversation tags", "Tags"),
            },
        ),
        Preset(
            "canny",
            _("Canny posts"),
            Source.PORTAL,
            {
                "external_id": ("ID", "Post ID", "id"),
                "title": ("Title",),
                "text": ("Details", "Description", "Title"),
                "received_at": ("Created At", "Created Date", "createdAt"),
                "contact_email": ("Author Email", "Email"),
                "contact_name": ("Author Name", "Author", "Name"),
                "company": ("Company Name", "Company"),
                "tags": ("Tags", "Category"),
            },
        ),
        Preset(
            "productboard",
            _("Productboard notes"),
            Source.CSV,
            {
                "external_id": ("Note ID", "note_id", "ID", "id"),
                "title": ("Title", "note_title", "Note title"),
                "text": ("Note text", "note_text", "Content", "content", "Note content"),
                "received_at": ("Created at", "created_at", "Created"),
                "contact_email": ("User email", "user_email", "Customer email", "Email"),
                "contact_name": ("User name", "user_name", "Customer name", "Name"),
                "company": ("Company name", "company_name", "Company"),
                "tags": ("Tags", "tags"),
            },
        ),
        Preset(
            "app_store",
            _("App-store reviews (Google Play, App Store)"),
            Source.APP_STORE,
            {
                "external_id": ("Review Link", "Review ID", "Review Id", "ID"),
                "title": ("Review Title", "Title"),
                "text": ("Review Text", "Review", "Content", "Body"),
                "received_at": (
                    "Review Submit Date and Time",
                    "Review Last Update Date and Time",
                    "Date",
                    "Created At",
                ),
                "contact_name": ("Nickname", "Author", "Reviewer", "User Name"),
                "sentiment": ("Star Rating", "Rating", "Stars"),
                "language": ("Reviewer Language", "Language"),
            },
        ),
    ]
}


def get_preset(key: str) -> Preset:
    try:
        return PRESETS[key]
    except KeyError:
        raise ImportRefused(
            _("Unknown preset “%(key)s”; choose from %(keys)s.")
            % {"key": key, "keys": ", ".join(PRESETS)},
            field="preset",
        ) from None
