"""Presets map the column names the tools really export."""

import pytest

from wavelength.integrations.importers import ImportRefused, csvfile
from wavelength.integrations.importers.presets import PRESETS, get_preset

EXPORTS = {
    "zendesk": (
        ["Id", "Requester", "Requester id", "Requester email", "Requester domain", "Submitter",
         "Assignee", "Group", "Subject", "Tags", "Status", "Priority", "Via", "Ticket type",
         "Created at", "Updated at", "Organization", "Description"],
        {"Id": "external_id", "Subject": "title", "Description": "text",
         "Created at": "received_at", "Requester email": "contact_email",
         "Requester": "contact_name", "Organization": "company", "Tags": "tags"},
    ),
    "intercom": (
        ["Conversation ID", "Conversation started at", "Conversation first message",
         "User name", "User email", "Company name", "Conversation tags", "Conversation title"],
        {"Conversation ID": "external_id", "Conversation title": "title",
         "Conversation first message": "text", "Conversation started at": "received_at",
         "User email": "contact_email", "User name": "contact_name",
         "Company name": "company", "Conversation tags": "tags"},
    ),
    "canny": (
        ["ID", "Board", "Title", "Details", "Status", "Author Name", "Author Email",
         "Company Name", "Votes", "Tags", "Created At"],
        {"ID": "external_id", "Title": "title", "Details": "text", "Created At": "received_at",
         "Author Email": "contact_email", "Author Name": "contact_name",
         "Company Name": "company", "Tags": "tags"},
    ),
    "productboard": (
        ["note_id", "note_title", "note_text", "tags", "user_email", "user_name",
         "company_name", "created_at", "source_origin"],
        {"note_id": "external_id", "note_title": "title", "note_text": "text",
         "created_at": "received_at", "user_email": "contact_email", "user_name": "contact_name",
         "company_name": "company", "tags": "tags"},
    ),
    "app_store": (
        ["Package Name", "App Version Code", "App Version Name", "Reviewer Language", "Device",
         "Review Submit Date and Time", "Review Submit Millis Since Epoch",
         "Review Last Update Date and Time", "Review Last Update Millis Since Epoch",
         "Star Rating", "Review Title", "Review Text", "Developer Reply Date and Time",
         "Developer Reply Millis Since Epoch", "Developer Reply Text", "Review Link"],
        {"Review Link": "external_id", "Review Title": "title", "Review Text": "text",
         "Review Submit Date and Time": "received_at", "Star Rating": "sentiment",
         "Reviewer Language": "language"},
    ),
}  # fmt: skip


@pytest.mark.parametrize("key", sorted(PRESETS))
def test_preset_maps_the_real_export_header(key):
    header, expected = EXPORTS[key]
    mapping = PRESETS[key].mapping_for(header)
    assert mapping == expected
    assert csvfile.check_mapping(mapping, header) == expected


def test_zendesk_export_without_description_takes_text_from_subject():
    mapping = PRESETS["zendesk"].mapping_for(["Id", "Subject", "Requester email"])
    assert mapping == {"Id": "external_id", "Subject": "text", "Requester email": "contact_email"}


def test_star_ratings_become_sentiment():
    item, errors = csvfile.row_item(
        {"Star Rating": "1", "Review Text": "Crashes"},
        {"Star Rating": "sentiment", "Review Text": "text"},
        source="app_store",
    )
    assert errors == {} and item["sentiment"] == "negative"


def test_unknown_preset_is_refused():
    with pytest.raises(ImportRefused) as caught:
        get_preset("jira")
    assert "zendesk" in caught.value.message
