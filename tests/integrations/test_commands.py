"""``wavelength import-feedback`` and ``wavelength import-email``."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.integrations.conftest import csv_bytes, eml
from wavelength.feedback.models import Feedback
from wavelength.integrations import services

GOOGLE_PLAY = (
    "Package Name,Reviewer Language,Review Submit Date and Time,Star Rating,Review Title,"
    "Review Text,Review Link\r\n"
    "com.orbit,fr,2026-01-05T10:00:00Z,2,,Ça plante au démarrage,https://play.google.com/r/1\r\n"
    "com.orbit,en,2026-01-06T11:00:00Z,5,Great,Love it,https://play.google.com/r/2\r\n"
).encode("utf-16")


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_feedback_with_a_preset_shows_progress_and_counts(editor, tmp_path):
    path = tmp_path / "reviews.csv"
    path.write_bytes(GOOGLE_PLAY)
    out, err = run("import-feedback", str(path), "--preset", "app_store", "--as", editor.email)
    assert "Imported reviews.csv: 2 created, 0 skipped (already imported), 2 rows." in out
    assert "Importing [" in err and "2/2" in err
    item = Feedback.objects.get(external_id="https://play.google.com/r/1")
    assert (item.source, item.sentiment, item.language) == ("app_store", "negative", "fr")
    out, _err = run("import-feedback", str(path), "--preset", "app_store", "--as", editor.email)
    assert "0 created, 2 skipped" in out


def test_import_feedback_with_map_and_saved_mapping(editor, tmp_path):
    path = tmp_path / "notes.csv"
    path.write_bytes(csv_bytes(["Note", "Key", "Who"], ["Needs SSO", "n1", "a@b.io"]))
    services.mapping_save(
        actor=editor, name="Notes", mapping={"Note": "text", "Key": "external_id"}
    )
    out, _ = run("import-feedback", str(path), "--mapping", "notes", "--map", "Who=contact_email",
                 "--as", editor.email)  # fmt: skip
    assert "1 created" in out
    assert Feedback.objects.get().contact.email == "a@b.io"


def test_import_feedback_errors_name_rows_and_nothing_is_written(editor, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes(["text", "external_id"], ["a", "1"], ["b", "1"]))
    with pytest.raises(CommandError) as caught:
        run("import-feedback", str(path), "--as", editor.email)
    assert "row 3, column “external_id”: Row 2 has the same external id “1”." in str(caught.value)
    assert Feedback.objects.count() == 0


def test_viewer_cannot_import_from_the_command_line(viewer, tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(csv_bytes(["text"], ["a"]))
    with pytest.raises(CommandError, match="cannot import"):
        run("import-feedback", str(path), "--as", viewer.email)
    with pytest.raises(CommandError, match="cannot import"):
        run("import-email", str(path), "--as", viewer.email)
    with pytest.raises(CommandError, match="No active user"):
        run("import-feedback", str(path), "--as", "ghost@example.com")
    assert Feedback.objects.count() == 0


def test_import_email_folder_and_mbox(editor, tmp_path):
    folder = tmp_path / "mail"
    folder.mkdir()
    (folder / "a.eml").write_bytes(eml())
    (folder / "b.eml").write_bytes(eml(message_id="<b@acme.io>"))
    out, _ = run("import-email", str(folder), "--as", editor.email)
    assert "Imported 2 messages: 2 created, 0 skipped" in out
    box = tmp_path / "inbox.mbox"
    box.write_bytes(b"From x Tue Mar  3 10:15:00 2026\n" + eml(message_id="<c@acme.io>"))
    out, _ = run("import-email", str(box), "--as", editor.email)
    assert "1 created" in out
    assert Feedback.objects.filter(source="email").count() == 3


def test_import_email_refuses_malformed_naming_the_file(editor, tmp_path):
    (tmp_path / "bad.eml").write_bytes(eml(sender=""))
    with pytest.raises(CommandError, match="bad.eml: The message has no sender"):
        run("import-email", str(tmp_path / "bad.eml"), "--as", editor.email)
    assert Feedback.objects.count() == 0
