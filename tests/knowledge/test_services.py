import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from wavelength.core.exceptions import Conflict, DomainError
from wavelength.knowledge import services
from wavelength.knowledge.models import Page, PageLink, PageStatus, PageVersion


def test_every_save_is_a_version_with_author(editor, admin, page):
    services.page_update(actor=admin, page=page, base_version=1, title=page.title, body="v2")
    versions = list(PageVersion.objects.filter(page=page).order_by("number"))
    assert [(v.number, v.author, v.body) for v in versions] == [
        (1, editor, "Run the deploy script."),
        (2, admin, "v2"),
    ]


def test_saving_the_same_text_adds_no_version(editor, page):
    services.page_update(actor=editor, page=page, base_version=1, title=page.title, body=page.body)
    assert page.versions.count() == 1


def test_save_against_a_stale_version_is_refused(editor, admin, page):
    services.page_update(actor=admin, page=page, base_version=1, title=page.title, body="theirs")
    with pytest.raises(Conflict) as exc:
        services.page_update(actor=editor, page=page, base_version=1, title="x", body="mine")
    assert exc.value.status_code == 409
    page.refresh_from_db()
    assert (page.title, page.body, page.version) == ("Deploy procedure", "theirs", 2)


def test_restore_makes_a_new_version(editor, page):
    services.page_update(actor=editor, page=page, base_version=1, title=page.title, body="v2")
    restored = services.page_restore(actor=editor, page=page, number=1)
    assert restored.version == 3
    assert restored.body == "Run the deploy script."
    assert restored.versions.first().note == "Restored version 1"


def test_links_are_stored_and_claimed_by_a_new_page(editor, space, product, feature):
    source = services.page_create(
        actor=editor,
        space=space,
        title="Launch plan",
        body="[[Runbook]], [[feature:Smart alerts]], [[product:orbit]] and [[release:Nope 1]]",
    )
    links = {(link.kind, link.key): link.target_id for link in source.links.all()}
    assert links == {
        ("page", "runbook"): None,
        ("feature", "smart alerts"): feature.pk,
        ("product", "orbit"): product.pk,
        ("release", "nope 1"): None,
    }
    runbook = services.page_create(actor=editor, space=space, title="Runbook")
    assert PageLink.objects.get(page=source, kind="page").target_id == runbook.pk


def test_viewer_cannot_write(viewer, space):
    with pytest.raises(PermissionDenied):
        services.page_create(actor=viewer, space=space, title="Nope")


def test_outsider_cannot_write_in_a_team_space(outsider, team_space):
    with pytest.raises(Http404):
        services.page_create(actor=outsider, space=team_space, title="Nope")


def test_parent_cannot_be_the_page_itself_or_below_it(editor, space, page):
    child = services.page_create(actor=editor, space=space, title="Child", parent=page)
    with pytest.raises(DomainError) as exc:
        services.page_update(
            actor=editor, page=page, base_version=1, title=page.title, body="x", parent=child
        )
    assert "parent" in exc.value.errors


def test_empty_title_names_the_field(editor, space):
    with pytest.raises(DomainError) as exc:
        services.page_create(actor=editor, space=space, title="  ")
    assert exc.value.errors == {"title": "This field is required."}
    assert not Page.objects.filter(space=space).exists()


def test_attachment_over_the_limit_is_refused(editor, page, settings):
    settings.KNOWLEDGE_MAX_UPLOAD_BYTES = 10
    upload = SimpleUploadedFile("big.png", b"x" * 11, content_type="image/png")
    with pytest.raises(DomainError) as exc:
        services.attachment_add(actor=editor, page=page, upload=upload)
    assert "limit" in exc.value.errors["file"]
    assert not page.attachments.exists()


def test_attachment_is_kept_in_the_data_directory(editor, page, settings):
    upload = SimpleUploadedFile("My Diagram.PNG", b"\x89PNG", content_type="image/png")
    attachment = services.attachment_add(actor=editor, page=page, upload=upload)
    assert attachment.name == "my-diagram.png"
    path = attachment.file.path
    assert path.startswith(str(settings.MEDIA_ROOT))
    with open(path, "rb") as handle:
        assert handle.read() == b"\x89PNG"


def test_publishing_needs_every_approver_on_the_exact_version(editor, admin, viewer, page):
    page.approvers.set([admin, viewer])
    services.page_set_status(actor=editor, page=page, status=PageStatus.IN_REVIEW)
    with pytest.raises(DomainError) as exc:
        services.page_set_status(actor=editor, page=page, status=PageStatus.PUBLISHED)
    assert "Alice Admin" in exc.value.errors["status"]
    services.page_approve(actor=admin, page=page, version=1)
    services.page_update(actor=editor, page=page, base_version=1, title=page.title, body="v2")
    with pytest.raises(DomainError):  # approving an old version is refused
        services.page_approve(actor=viewer, page=page, version=1)
    services.page_approve(actor=viewer, page=page, version=2)
    page.refresh_from_db()
    assert page.status == PageStatus.IN_REVIEW  # admin approved v1 only
    services.page_approve(actor=admin, page=page, version=2)
    page.refresh_from_db()
    assert page.status == PageStatus.PUBLISHED


def test_only_approvers_approve(editor, admin, page):
    page.approvers.set([admin])
    with pytest.raises(PermissionDenied):
        services.page_approve(actor=editor, page=page, version=1)


def test_editing_a_published_page_that_needs_approval_sends_it_back_to_review(editor, admin, page):
    page.approvers.set([admin])
    services.page_approve(actor=admin, page=page, version=1)
    services.page_set_status(actor=editor, page=page, status=PageStatus.PUBLISHED)
    page = services.page_update(actor=editor, page=page, base_version=1, title="T", body="new")
    assert page.status == PageStatus.IN_REVIEW


def test_mark_read_records_the_version(viewer, page):
    read = services.page_mark_read(actor=viewer, page=page)
    assert (read.user, read.version) == (viewer, 1)
    assert services.page_mark_read(actor=viewer, page=page).pk == read.pk
