"""Theme discovery: proposals for unthemed feedback, adopted by editors only."""

import pytest
from django.urls import reverse

from wavelength.feedback import discovery, services
from wavelength.feedback.models import Feedback, Theme

pytestmark = pytest.mark.django_db

EXPORTS = [f"Export to CSV fails for report {n}, the CSV export is empty" for n in range(6)]
LOGINS = [f"Login with single sign-on breaks for user {n}, sign-on loops" for n in range(6)]


@pytest.fixture
def unthemed(editor):
    return [services.feedback_create(actor=editor, text=t) for t in EXPORTS + LOGINS]


def test_proposals_group_similar_items_and_name_them(editor, unthemed):
    proposals = discovery.theme_proposals(user=editor)
    by_size = {frozenset(p.ids) for p in proposals}
    exports = frozenset(f.pk for f in unthemed[:6])
    logins = frozenset(f.pk for f in unthemed[6:])
    assert exports in by_size and logins in by_size
    names = " ".join(p.name for p in proposals)
    assert "csv" in names or "export" in names


def test_themed_and_archived_items_are_left_out(editor, unthemed):
    theme = services.theme_create(actor=editor, name="Exports")
    services.feedback_bulk_update(
        actor=editor, ids=[f.pk for f in unthemed[:6]], action="theme", value=theme
    )
    services.feedback_bulk_update(actor=editor, ids=[unthemed[6].pk], action="archive")
    assert discovery.theme_proposals(user=editor) == []  # 5 left: too few to group


def test_adopting_files_the_items(editor_client, unthemed):
    ids = [f.pk for f in unthemed[:6]]
    response = editor_client.post(
        reverse("feedback:theme-discover"), {"name": "CSV exports", "ids": ids}
    )
    assert response.status_code == 302
    theme = Theme.objects.get(name="CSV exports")
    assert Feedback.objects.filter(theme=theme).count() == 6


def test_adopting_reuses_a_theme_of_that_name(editor, unthemed):
    existing = services.theme_create(actor=editor, name="Exports")
    theme, count = services.theme_adopt(actor=editor, name="exports", feedback_ids=[unthemed[0].pk])
    assert (theme, count, Theme.objects.count()) == (existing, 1, 1)


def test_bad_adoption_writes_nothing(editor_client, unthemed):
    page = editor_client.post(reverse("feedback:theme-discover"), {"name": " ", "ids": [1]})
    assert page.status_code == 422 and "Give the theme a name." in page.content.decode()
    missing = editor_client.post(reverse("feedback:theme-discover"), {"name": "X", "ids": [999]})
    assert missing.status_code == 422
    assert not Theme.objects.exists()


def test_viewer_sees_proposals_but_cannot_adopt(viewer_client, unthemed):
    page = viewer_client.get(reverse("feedback:theme-discover"))
    assert page.status_code == 200 and "Adopt for" not in page.content.decode()
    ids = [f.pk for f in unthemed[:6]]
    response = viewer_client.post(reverse("feedback:theme-discover"), {"name": "X", "ids": ids})
    assert response.status_code == 403
    assert not Theme.objects.exists()


def test_page_requires_sign_in(client):
    response = client.get(reverse("feedback:theme-discover"))
    assert response.status_code == 302
