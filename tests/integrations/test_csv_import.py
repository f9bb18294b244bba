"""CSV import: mapping, preview, chunks in one transaction, idempotence and bad files."""

import pytest
from django.core.files.base import ContentFile

from tests.api.utils import nothing_written
from tests.integrations.conftest import csv_bytes
from wavelength.feedback import services as feedback_services
from wavelength.feedback.models import Company, Contact, Feedback
from wavelength.integrations import selectors, services
from wavelength.integrations.exporters import feedback_csv
from wavelength.integrations.importers import ImportRefused, csvfile
from wavelength.integrations.models import ImportJob, JobStatus

HEADER = ["Ticket", "Summary", "Body", "Email", "Who", "When", "Labels", "Org"]
MAPPING = {
    "Ticket": "external_id",
    "Summary": "title",
    "Body": "text",
    "Email": "contact_email",
    "Who": "contact_name",
    "When": "received_at",
    "Labels": "tags",
    "Org": "company",
}


def rows(n: int, start: int = 1) -> list[list[str]]:
    return [
        [f"T-{i}", f"Issue {i}", f"Please fix {i}", f"p{i}@acme.io", f"Person {i}",
         "2026-03-01 09:30:00", "billing, export", "Acme"]
        for i in range(start, start + n)
    ]  # fmt: skip


def run(editor, data: bytes, mapping=None, source="support", progress=None) -> ImportJob:
    return services.import_csv(
        actor=editor, file_name="tickets.csv", data=data, mapping=mapping or MAPPING,
        source=source, progress=progress,
    )  # fmt: skip


def test_mapping_preview_then_import_creates_feedback_contacts_and_company(
    editor, django_capture_on_commit_callbacks
):
    data = csv_bytes(HEADER, *rows(3), ["T-9", "", "", "bad-address", "", "soon", "", ""])
    job = services.import_job_create(actor=editor, file_name="tickets.csv", data=data)
    preview = selectors.import_preview(user=editor, job=job, mapping=MAPPING, source="support")
    assert [r.row for r in preview.rows] == [2, 3, 4, 5]
    assert preview.rows[0].item["title"] == "Issue 1"
    assert preview.rows[0].item["tags"] == ["billing", "export"]
    assert set(preview.rows[3].errors) == {"Body", "Email", "When"}
    assert Feedback.objects.count() == 0

    good = csv_bytes(HEADER, *rows(3))
    job = services.import_job_create(actor=editor, file_name="tickets.csv", data=good)
    with django_capture_on_commit_callbacks(execute=True):
        services.import_job_start(actor=editor, job=job, mapping=MAPPING, source="support")
    job.refresh_from_db()
    assert (job.status, job.total, job.processed, job.created, job.skipped) == (
        JobStatus.DONE, 3, 3, 3, 0,
    )  # fmt: skip
    item = Feedback.objects.get(external_id="T-2")
    assert (item.title, item.text, item.source) == ("Issue 2", "Please fix 2", "support")
    assert item.contact.email == "p2@acme.io" and item.contact.name == "Person 2"
    assert item.company.name == "Acme"
    assert sorted(t.name for t in item.tags.all()) == ["billing", "export"]
    assert item.received_at.isoformat().startswith("2026-03-01T09:30")
    assert Company.objects.filter(name="Acme").count() == 1


def test_reimport_skips_existing_external_ids(editor):
    run(editor, csv_bytes(HEADER, *rows(2)))
    job = run(editor, csv_bytes(HEADER, *rows(3)))
    assert (job.created, job.skipped, job.total) == (1, 2, 3)
    assert Feedback.objects.count() == 3


def test_semicolon_and_tab_files_and_a_utf8_bom_are_read(editor):
    job = run(editor, csv_bytes(HEADER, *rows(1), delimiter=";", bom=True))
    assert job.created == 1 and Feedback.objects.get().external_id == "T-1"
    job = run(editor, csv_bytes(HEADER, *rows(1, start=2), delimiter="\t"))
    assert job.created == 1


def test_utf16_with_bom_is_read():
    table = csvfile.parse("Review Text,Star Rating\r\nSuper appli,5\r\n".encode("utf-16"))
    assert table.encoding == "UTF-16"
    assert list(table.records()) == [(2, {"Review Text": "Super appli", "Star Rating": "5"})]


def test_wrong_encoding_is_refused_naming_the_line_and_nothing_is_written(editor):
    data = "text,title\r\nok,fine\r\ncafé crème,latin\r\n".encode("latin-1")
    with nothing_written(Feedback, ImportJob), pytest.raises(ImportRefused) as caught:
        services.import_job_create(actor=editor, file_name="x.csv", data=data)
    assert "not UTF-8: line 3" in caught.value.message


def test_missing_mapped_columns_are_named(editor):
    data = csv_bytes(["Body", "Extra"], ["hello", "ignored"])
    with nothing_written(Feedback), pytest.raises(ImportRefused) as caught:
        run(editor, data, mapping={"Body": "text", "Ticket": "external_id", "When": "received_at"})
    assert "“Ticket”, “When”" in caught.value.message


def test_extra_columns_are_ignored(editor):
    job = run(editor, csv_bytes(["Body", "Extra"], ["hello", "=not imported"]), {"Body": "text"})
    assert job.created == 1 and Feedback.objects.get().text == "hello"


def test_a_10_mb_line_is_refused_naming_its_row_and_nothing_is_written(editor):
    huge = "x" * (10 * 1024 * 1024)
    data = csv_bytes(HEADER, *rows(1), ["T-2", "big", huge, "", "", "", "", ""])
    with nothing_written(Feedback, Contact, Company):
        job = run(editor, data)
    assert job.status == JobStatus.FAILED
    assert job.errors == [{"row": 3, "column": "", "message": "Row 3 is longer than 1 MB; "
                           "split or shorten it."}]  # fmt: skip


def test_duplicate_external_ids_in_the_file_name_both_rows(editor):
    data = csv_bytes(HEADER, *rows(3), rows(1, start=2)[0])
    with nothing_written(Feedback, Contact, Company):
        job = run(editor, data)
    assert job.status == JobStatus.FAILED
    assert job.errors == [
        {"row": 5, "column": "Ticket", "message": "Row 3 has the same external id “T-2”."}
    ]


def test_every_bad_cell_is_listed_by_row_and_column(editor):
    data = csv_bytes(HEADER, *rows(1), ["T-2", "x" * 201, "", "nope", "", "", "", ""])
    with nothing_written(Feedback):
        job = run(editor, data)
    assert {(e["row"], e["column"]) for e in job.errors} == {
        (3, "Summary"), (3, "Body"), (3, "Email"),
    }  # fmt: skip


def test_formula_cells_are_stored_as_text_and_exported_neutralised(editor):
    formulas = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\tx", '=HYPERLINK("x")']
    data = csv_bytes(["text", "title"], *[[f, f[:10]] for f in formulas])
    job = run(editor, data, mapping={"text": "text", "title": "title"})
    assert job.created == len(formulas)
    stored = set(Feedback.objects.values_list("text", flat=True))
    assert "=cmd|' /C calc'!A0" in stored and "@SUM(A1)" in stored
    exported = "".join(feedback_csv(Feedback.objects.all()))
    table = csvfile.parse(exported.encode())
    texts = {cells["text"] for _row, cells in table.records()}
    assert "'=cmd|' /C calc'!A0" in texts and "'@SUM(A1)" in texts and "'-2+3" in texts
    assert not any(t.startswith(("=", "+", "-", "@", "\t")) for t in texts)


def test_export_imports_back(editor):
    run(editor, csv_bytes(HEADER, *rows(2)))
    exported = "".join(feedback_csv(Feedback.objects.all())).encode()
    table = csvfile.parse(exported)
    mapping = csvfile.guess_mapping(table.columns)
    assert {"text", "title", "external_id", "source", "contact_email", "tags"} <= set(
        mapping.values()
    )
    job = run(editor, exported, mapping=mapping)
    assert (job.created, job.skipped) == (0, 2)


def test_progress_is_counted_per_chunk_of_1000(editor):
    seen = []
    data = csv_bytes(["id", "text"], *[[str(i), f"note {i}"] for i in range(2500)])
    job = run(editor, data, {"id": "external_id", "text": "text"},
              progress=lambda j: seen.append(j.processed))  # fmt: skip
    assert [p for p in seen if p] == [1000, 2000, 2500, 2500]
    assert (job.total, job.processed, job.created) == (2500, 2500, 2500)


def test_a_refusal_in_a_late_chunk_rolls_back_the_earlier_chunks(editor, monkeypatch):
    real = feedback_services.feedback_bulk_create
    calls = []

    def failing_third(*, actor, items):
        calls.append(len(items))
        if len(calls) == 3:
            from wavelength.core.exceptions import DomainError

            raise DomainError("Refused.", errors={"items.4.text": "Refused here."})
        return real(actor=actor, items=items)

    monkeypatch.setattr(feedback_services, "feedback_bulk_create", failing_third)
    data = csv_bytes(["id", "text"], *[[str(i), f"note {i}"] for i in range(2500)])
    with nothing_written(Feedback):
        job = run(editor, data, {"id": "external_id", "text": "text"})
    assert calls == [1000, 1000, 500]
    assert job.status == JobStatus.FAILED and job.created == 0
    assert job.errors == [{"row": 2006, "column": "text", "message": "Refused here."}]


def test_viewer_cannot_import(viewer):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.import_job_create(actor=viewer, file_name="x.csv", data=csv_bytes(["text"]))


def test_queued_job_runs_once(editor):
    job = ImportJob.objects.create(file_name="x.csv", created_by=editor, status=JobStatus.QUEUED)
    job.file.save("x.csv", ContentFile(csv_bytes(["text"], ["hi"])))
    job.mapping = {"text": "text"}
    job.save()
    assert services.import_job_run(job_id=job.pk).created == 1
    assert services.import_job_run(job_id=job.pk).created == 1
    assert Feedback.objects.count() == 1
