"""E-mail: .eml files, mbox archives, the raw MIME endpoint and malformed messages."""

import pytest

from tests.api.utils import errors, nothing_written, url
from tests.integrations.conftest import eml
from wavelength.feedback.models import Company, Contact, Feedback
from wavelength.integrations import services
from wavelength.integrations.importers import ImportRefused, mail


def test_eml_becomes_feedback_with_contact_company_and_date(editor):
    result = services.email_import(actor=editor, messages=[("a.eml", eml())])
    assert result == {"created": 1, "skipped": 0, "messages": 1}
    item = Feedback.objects.get()
    assert (item.source, item.external_id, item.title) == (
        "email",
        "m1@acme.io",
        "Dark mode please",
    )
    assert item.text == "Could you add a dark mode to the dashboard?"
    assert (item.contact.email, item.contact.name) == ("jane@acme.io", "Jane Doe")
    assert item.company.domains == ["acme.io"]
    assert item.received_at.isoformat() == "2026-03-03T09:15:00+00:00"


def test_html_body_is_turned_into_text_without_script():
    body = (
        "<html><head><style>p{}</style></head><body><p>Hello &amp; <b>thanks</b></p>"
        "<script>alert(1)</script><p>Second</p></body></html>"
    )
    item = mail.parse_message(eml(body=body, html=True))
    assert item["text"] == "Hello & thanks\n\nSecond"


def test_mbox_imports_every_message_once(editor):
    box = b"".join(
        b"From jane@acme.io Tue Mar  3 10:15:00 2026\n" + eml(message_id=f"<m{i}@acme.io>",
        body=f"Idea {i}\n>From here on") + b"\n"
        for i in range(3)
    )  # fmt: skip
    found = services.email_messages("inbox.mbox", box)
    assert len(found) == 3
    assert services.email_import(actor=editor, messages=found)["created"] == 3
    assert Feedback.objects.filter(text__endswith="From here on").count() == 3
    assert services.email_import(actor=editor, messages=found) == {
        "created": 0, "skipped": 3, "messages": 3,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (eml(sender=""), "no sender"),
        (eml(sender="Nobody <not an address>"), "no sender"),
        (eml(body=""), "body is empty"),
        (b"", "empty"),
        (b"\xff\xfe\x00garbage", "no sender"),
    ],
)
def test_malformed_message_is_refused_with_a_reason_and_nothing_stored(editor, raw, reason):
    with nothing_written(Feedback, Contact, Company), pytest.raises(ImportRefused) as caught:
        services.email_import(actor=editor, messages=[("good.eml", eml()), ("bad.eml", raw)])
    assert reason in caught.value.errors["bad.eml"]


def test_message_without_message_id_gets_a_stable_external_id():
    first = mail.parse_message(eml(message_id=""))
    assert first["external_id"].startswith("sha256:")
    assert mail.parse_message(eml(message_id=""))["external_id"] == first["external_id"]


def test_endpoint_takes_raw_mime(editor_api):
    response = editor_api.post(url("feedback-email"), eml(), content_type="message/rfc822")
    assert response.status_code == 201, response.content
    assert Feedback.objects.get(pk=response.json()["id"]).contact.email == "jane@acme.io"
    again = editor_api.post(url("feedback-email"), eml(), content_type="message/rfc822")
    assert again.status_code == 200 and again.json()["created"] is False


def test_endpoint_takes_json(editor_api):
    response = editor_api.post(
        url("feedback-email"), {"raw": eml().decode()}, content_type="application/json"
    )
    assert response.status_code == 201, response.content


def test_endpoint_refuses_malformed_message_with_the_reason(editor_api):
    with nothing_written(Feedback, Contact, Company):
        response = editor_api.post(
            url("feedback-email"), eml(sender=""), content_type="message/rfc822"
        )
    assert response.status_code == 422
    assert "no sender" in errors(response)["from"]


def test_endpoint_refuses_other_bodies(editor_api):
    response = editor_api.post(url("feedback-email"), "hi", content_type="text/plain")
    assert response.status_code == 422 and "message/rfc822" in errors(response)["raw"]


def test_endpoint_permissions(viewer_api, client):
    assert (
        viewer_api.post(url("feedback-email"), eml(), content_type="message/rfc822").status_code
        == 403
    )
    assert (
        client.post(url("feedback-email"), eml(), content_type="message/rfc822").status_code == 401
    )
    assert Feedback.objects.count() == 0


def test_endpoint_json_over_the_memory_limit_is_413(editor_api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    response = editor_api.post(
        url("feedback-email"), {"raw": eml().decode()}, content_type="application/json"
    )
    assert response.status_code == 413 and "message/rfc822" in errors(response)["raw"]
