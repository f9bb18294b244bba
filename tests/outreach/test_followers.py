"""Followers of a portal idea hear when it moves: a stage change of its feature or a release
shipping it e-mails each follower once (English or French), with the idea's link and an
unsubscribe link that stops following it; the idea page shows where it now stands."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from wavelength.catalog import services as catalog
from wavelength.core.models import Activity
from wavelength.feedback import services
from wavelength.outreach import services as outreach_services
from wavelength.outreach.models import FollowerNotification
from wavelength.portal import services as portal_services
from wavelength.portal.models import PortalSubscription

pytestmark = pytest.mark.django_db


@pytest.fixture
def portal(admin):
    return portal_services.portal_settings_update(
        actor=admin, enabled=True, name="Ideas", accent_colour="#4f46e5"
    )


@pytest.fixture
def idea(editor, feature, portal):
    return portal_services.portal_idea_open(
        actor=editor, feature=feature, title="Export your charts"
    )


@pytest.fixture
def followers(editor, idea):
    """Ann follows in English; Léa, whose feedback is in French, follows too."""
    services.feedback_create(
        actor=editor, text="Nous voulons exporter.", contact_email="lea@globex.fr", language="fr"
    )
    for email in ["ann@acme.com", "lea@globex.fr"]:
        portal_services.portal_subscribe(idea=idea, email=email)
    return idea


def _move(editor, feature, stage, capture):
    with capture(execute=True):
        catalog.feature_move_stage(actor=editor, feature=feature, stage=stage)


def _to(email):
    return [m for m in mail.outbox if m.to == [email]]


def test_followers_get_one_email_when_the_idea_moves(
    editor, feature, followers, django_capture_on_commit_callbacks
):
    _move(editor, feature, "planned", django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2
    (ann,) = _to("ann@acme.com")
    assert ann.subject == "“Export your charts” is now Planned"
    assert "moved from Idea to Planned" in ann.body
    assert "On our roadmap it is now under “Next”." in ann.body
    assert reverse("portal:idea-detail", args=[followers.pk]) in ann.body
    contact = followers.subscriptions.get(contact__email="ann@acme.com").contact
    token = outreach_services.unsubscribe_token(contact, followers)
    link = reverse("outreach:loop-unsubscribe", args=[token])
    assert link in ann.body and link in ann.extra_headers["List-Unsubscribe"]
    (lea,) = _to("lea@globex.fr")
    assert lea.subject == "«\u00a0Export your charts\u00a0» est désormais Planifiée"
    assert "Bonjour," in lea.body and "«\u00a0Ensuite\u00a0»" in lea.body


def test_the_same_move_is_never_told_twice(
    editor, feature, followers, django_capture_on_commit_callbacks
):
    _move(editor, feature, "planned", django_capture_on_commit_callbacks)
    move = Activity.objects.filter(verb="stage_changed").latest("pk")
    assert outreach_services.followers_notify(activity_id=move.pk) == 0  # the task runs again
    assert len(mail.outbox) == 2
    assert FollowerNotification.objects.filter(activity=move, status="sent").count() == 2
    _move(editor, feature, "in_development", django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 4  # a new move is news


def test_a_shipped_release_tells_the_followers(
    editor, product, feature, followers, django_capture_on_commit_callbacks
):
    release = catalog.release_create(
        actor=editor, product=product, version="3.1", features=[feature]
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        catalog.release_ship(actor=editor, release=release)
    (ann,) = _to("ann@acme.com")
    assert ann.subject == "“Export your charts” has shipped in Orbit 3.1"


def test_nobody_is_told_about_a_hidden_idea_or_with_the_portal_off(
    admin, editor, feature, followers, django_capture_on_commit_callbacks
):
    portal_services.portal_idea_open(
        actor=editor, feature=feature, title="Export your charts", is_listed=False
    )
    _move(editor, feature, "planned", django_capture_on_commit_callbacks)
    portal_services.portal_idea_open(actor=editor, feature=feature, title="Export your charts")
    portal_services.portal_settings_update(
        actor=admin, enabled=False, name="Ideas", accent_colour="#4f46e5"
    )
    _move(editor, feature, "in_development", django_capture_on_commit_callbacks)
    assert not mail.outbox and not FollowerNotification.objects.exists()


def test_a_failed_send_is_recorded(
    editor, feature, followers, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.outreach.test_loop.BrokenBackend"
    portal_services.portal_subscribe(idea=followers, email="tom@acme.com")
    _move(editor, feature, "planned", django_capture_on_commit_callbacks)
    failed = FollowerNotification.objects.get(contact__email="tom@acme.com")
    assert failed.status == "failed" and "refused" in failed.error
    assert len(mail.outbox) == 2  # the others were told


def test_the_unsubscribe_link_stops_following_the_idea(
    editor, feature, followers, django_capture_on_commit_callbacks
):
    _move(editor, feature, "planned", django_capture_on_commit_callbacks)
    (ann,) = _to("ann@acme.com")
    path = ann.body.split("/loop/unsubscribe/")[1].split("/")[0]
    url = reverse("outreach:loop-unsubscribe", args=[path])
    anonymous = Client()
    confirm = anonymous.get(url).content.decode()
    assert "when “Export your charts” moves" in confirm
    assert f'action="{url}"' in confirm and ">Unsubscribe</button>" in confirm
    assert PortalSubscription.objects.filter(contact__email="ann@acme.com").exists()
    done = anonymous.post(url)
    assert done.status_code == 200
    assert "no longer follows “Export your charts”" in done.content.decode()
    assert not PortalSubscription.objects.filter(contact__email="ann@acme.com").exists()
    ann_contact = followers.notifications.get(contact__email="ann@acme.com").contact
    assert ann_contact.unsubscribed_at is None  # close-the-loop messages still reach her
    mail.outbox.clear()
    _move(editor, feature, "in_development", django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [["lea@globex.fr"]]


def test_a_forged_idea_unsubscribe_link_is_refused(followers):
    contact = followers.subscriptions.first().contact
    token = outreach_services.unsubscribe_token(contact, followers)
    forged = token.replace(f":idea:{followers.pk}:", f":idea:{followers.pk + 1}:")
    response = Client().post(reverse("outreach:loop-unsubscribe", args=[forged]))
    assert response.status_code == 400
    assert followers.subscriptions.count() == 2


def test_the_idea_page_shows_where_the_idea_now_stands(editor, feature, idea):
    page = Client().get(reverse("portal:idea-detail", args=[idea.pk])).content.decode()
    assert "Idea" in page and "On the roadmap: Later" in page
    for stage in ["planned", "in_development"]:
        catalog.feature_move_stage(actor=editor, feature=feature, stage=stage)
    page = Client().get(reverse("portal:idea-detail", args=[idea.pk])).content.decode()
    assert "In development" in page and "On the roadmap: Now" in page
