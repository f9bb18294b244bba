import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from wavelength.knowledge import services
from wavelength.knowledge.models import Page, PageStatus


@pytest.fixture
def tree(editor, admin, space):
    root = services.page_create(
        actor=editor, space=space, title="Operations", body="# Ops\n\n- [ ] check\n"
    )
    services.page_create(
        actor=admin,
        space=space,
        title='"Quoted": a title',
        body="Trailing spaces  \nno newline at end",
        parent=root,
        status=PageStatus.PUBLISHED,
        review_interval_days=30,
    )
    return root


def _read(directory):
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def test_export_import_export_changes_nothing(tmp_path, editor, space, tree):
    first, second = tmp_path / "first", tmp_path / "second"
    call_command("knowledge-export", space.slug, str(first))
    exported = _read(first)
    assert len(exported) == 2
    assert exported["operations.md"].startswith(b"---\ntitle: Operations\nspace: procedures\n")
    Page.objects.filter(space=space, parent__isnull=False).delete()
    Page.objects.filter(space=space).delete()
    call_command("knowledge-import", str(first), "--as", editor.email)
    call_command("knowledge-export", space.slug, str(second))
    assert _read(second) == exported
    child = Page.objects.get(space=space, parent__isnull=False)
    assert (child.title, child.status, child.review_interval_days) == (
        '"Quoted": a title',
        "published",
        30,
    )


def test_importing_the_same_folder_twice_changes_nothing(tmp_path, editor, space, tree):
    call_command("knowledge-export", space.slug, str(tmp_path))
    before = list(Page.objects.values_list("pk", "version"))
    call_command("knowledge-import", str(tmp_path), "--as", editor.email)
    assert list(Page.objects.values_list("pk", "version")) == before


def test_a_bad_front_matter_line_names_file_and_line_and_imports_nothing(tmp_path, editor):
    (tmp_path / "a.md").write_text("---\ntitle: Good\nspace: procedures\n---\nfine\n")
    (tmp_path / "b.md").write_text("---\ntitle: Bad\nspace: procedures\nthis is wrong\n---\n")
    with pytest.raises(CommandError) as exc:
        call_command("knowledge-import", str(tmp_path), "--as", editor.email)
    assert "b.md, line 4" in str(exc.value)
    assert not Page.objects.filter(title__in=["Good", "Bad"]).exists()


def test_an_unknown_space_or_owner_is_named(tmp_path, editor):
    (tmp_path / "a.md").write_text("---\ntitle: A\nspace: nowhere\n---\n")
    with pytest.raises(CommandError, match="a.md, line 3: no space “nowhere”"):
        call_command("knowledge-import", str(tmp_path), "--as", editor.email)
    (tmp_path / "a.md").write_text("---\ntitle: A\nspace: procedures\nowner: x@y.z\n---\n")
    with pytest.raises(CommandError, match="a.md, line 4"):
        call_command("knowledge-import", str(tmp_path), "--as", editor.email)


def test_viewer_cannot_import(tmp_path, viewer):
    (tmp_path / "a.md").write_text("---\ntitle: A\nspace: procedures\n---\n")
    with pytest.raises(Exception):  # noqa: B017 - PermissionDenied
        call_command("knowledge-import", str(tmp_path), "--as", viewer.email)
    assert not Page.objects.filter(title="A").exists()


def test_zip_upload_and_download(editor_client, space, tree):
    response = editor_client.get(reverse("knowledge:space-export", args=[space.slug]))
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == ["operations.md", "quoted-a-title.md"]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        out.writestr(
            "new.md", "---\ntitle: From zip\nspace: procedures\nparent: operations\n---\nHi"
        )
    upload = SimpleUploadedFile("pages.zip", buffer.getvalue(), content_type="application/zip")
    response = editor_client.post(reverse("knowledge:import"), {"archive": upload})
    assert response.status_code == 302
    assert Page.objects.get(title="From zip").parent == tree


def test_zip_with_a_bad_file_shows_the_error(editor_client):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        out.writestr("bad.md", "no front matter")
    upload = SimpleUploadedFile("pages.zip", buffer.getvalue(), content_type="application/zip")
    response = editor_client.post(reverse("knowledge:import"), {"archive": upload})
    assert response.status_code == 422
    assert "bad.md, line 1" in response.content.decode()


# Hostile archives: a clear 422 naming the problem, nothing imported, nothing read past limits.


def _zip(entries: dict[str, bytes], method=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as out:
        for name, data in entries.items():
            out.writestr(name, data)
    return buffer.getvalue()


def _patched(raw: bytes, name: str, offset: int, value: bytes) -> bytes:
    """``raw`` with ``value`` written ``offset`` bytes into the local and central headers of
    entry ``name`` (flag bits at 6, compression method at 8)."""
    data = bytearray(raw)
    for signature, shift in ((b"PK\x03\x04", 0), (b"PK\x01\x02", 2)):
        start = data.find(signature)
        while start != -1:
            data[start + offset + shift : start + offset + shift + len(value)] = value
            start = data.find(signature, start + 4)
    return bytes(data)


def _upload(editor_client, raw: bytes):
    upload = SimpleUploadedFile("pages.zip", raw, content_type="application/zip")
    return editor_client.post(reverse("knowledge:import"), {"archive": upload})


def _corrupt(raw: bytes) -> bytes:
    """``raw`` with bytes in the middle of its first entry's deflate stream overwritten."""
    data = bytearray(raw)
    start = 30 + len("a.md") + 20
    data[start : start + 40] = b"\xff" * 40
    return bytes(data)


PAGE = b"---\ntitle: Hostile\nspace: procedures\n---\nHi"


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: _patched(_zip({"a.md": PAGE}), "a.md", 6, b"\x01\x00"), "is encrypted"),
        (lambda: _patched(_zip({"a.md": PAGE}), "a.md", 8, b"\x63\x00"), "compression method"),
        (lambda: _corrupt(_zip({"a.md": bytes(range(256)) * 400})), "damaged"),
        (lambda: _zip({"a.md": b"x" * (4 * 500_000 + 1)}), "larger than a page can be"),
        (lambda: b"not a zip at all", "not a zip"),
    ],
    ids=["encrypted", "unknown-method", "corrupt-stream", "oversized-entry", "not-a-zip"],
)
def test_a_hostile_archive_is_refused_with_a_clear_message(editor_client, make, message):
    before = Page.objects.count()
    response = _upload(editor_client, make())
    assert response.status_code == 422
    assert message in response.content.decode()
    assert Page.objects.count() == before


def test_an_archive_that_unpacks_past_the_limit_stops_reading(editor_client, monkeypatch):
    from wavelength.knowledge import views_io

    monkeypatch.setattr(views_io, "MAX_UNPACKED", 1_000_000)
    raw = _zip({f"p{n}.md": b"0" * 400_000 for n in range(4)})
    assert len(raw) < 20_000  # small on the wire
    response = _upload(editor_client, raw)
    assert response.status_code == 422
    assert "unpacks to more than" in response.content.decode()
