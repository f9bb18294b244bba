"""A coming release's gate verdict flipping: recorded on its timeline once per flip, its
followers told by the channel they chose, webhooks sent the old and new verdict; nothing when
the verdict holds, nothing for shipped releases, nobody told who may not be."""

import json

import pytest
from django.db import transaction
from django.utils import translation

from tests.factories import UserFactory
from tests.integrations.test_webhooks import Receiver
from wavelength.accounts.models import Role
from wavelength.catalog import services as catalog
from wavelength.conversations import services as conversations
from wavelength.conversations.models import DigestEntry, GateVerdict
from wavelength.conversations.tasks import check_all_gates
from wavelength.core import timeline
from wavelength.core.models import Activity, Notification
from wavelength.integrations import webhooks
from wavelength.quality import services as quality
from wavelength.quality.models import Defect, DefectStatus, Severity

# The flips happen once the changes commit, as they do in production.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def gated_release(admin, editor, product, feature):
    """Release 2.0 of a product whose gate blocks on major defects; it passes for now."""
    quality.gate_update(actor=admin, product=product, blocking_severity=Severity.MAJOR)
    return catalog.release_create(actor=editor, product=product, version="2.0", features=[feature])


def _flips(release) -> list[Activity]:
    return list(
        Activity.objects.for_target(release).filter(verb="gate_verdict_changed").order_by("pk")
    )


def _block(editor, product, release, severity=Severity.CRITICAL) -> Defect:
    return quality.defect_create(
        actor=editor, product=product, title="Totals wrong", severity=severity, release=release
    )


def test_a_blocking_defect_flips_the_verdict_and_fixing_it_flips_it_back(
    editor, product, gated_release
):
    assert GateVerdict.objects.get(release=gated_release).verdict == "passing"
    defect = _block(editor, product, gated_release)
    (failed,) = _flips(gated_release)
    assert failed.actor is None
    assert failed.changes == {"gate_verdict": ["passing", "failing"]}
    assert failed.payload["failing"] == ["quality.open_defects"]
    assert GateVerdict.objects.get(release=gated_release).verdict == "failing"

    quality.defect_update(actor=editor, defect=defect, status=DefectStatus.FIXED)
    _failed, passed = _flips(gated_release)
    assert passed.changes == {"gate_verdict": ["failing", "passing"]}
    assert passed.payload["failing"] == []  # nothing fails any more
    assert GateVerdict.objects.get(release=gated_release).verdict == "passing"


def test_no_event_while_the_verdict_holds(admin, editor, product, gated_release):
    _block(editor, product, gated_release, severity=Severity.MINOR)  # below the bar
    quality.gate_update(actor=admin, product=product, blocking_severity=Severity.CRITICAL)
    catalog.release_update(actor=editor, release=gated_release, name="Spring")
    assert check_all_gates() == 0
    assert _flips(gated_release) == []


def test_one_gate_check_per_transaction_however_many_changes(
    editor, product, gated_release, monkeypatch
):
    batches = []
    real = conversations.releases_touched_by

    def counted(rows):
        rows = list(rows)
        batches.append(len(rows))
        return real(rows)

    monkeypatch.setattr(conversations, "releases_touched_by", counted)
    with transaction.atomic():
        for n in range(3):
            quality.defect_create(actor=editor, product=product, title=f"Bug {n}", release=None)
        _block(editor, product, gated_release)
    assert batches == [4]
    assert len(_flips(gated_release)) == 1


def test_the_periodic_job_catches_a_change_no_activity_announced(editor, product, gated_release):
    defect = _block(editor, product, gated_release)
    Defect.objects.filter(pk=defect.pk).update(status=DefectStatus.CLOSED)  # behind its back
    assert len(_flips(gated_release)) == 1
    assert check_all_gates() == 1
    assert _flips(gated_release)[-1].changes["gate_verdict"] == ["failing", "passing"]
    assert check_all_gates() == 0  # told once


def test_a_shipped_release_is_no_longer_evaluated(admin, editor, product, gated_release):
    catalog.release_ship(actor=admin, release=gated_release)
    _block(editor, product, gated_release)
    assert check_all_gates() == 0
    assert _flips(gated_release) == []


def test_followers_are_told_by_the_channel_they_chose(editor, viewer, product, gated_release):
    conversations.follow_create(actor=viewer, kind="release", object_id=gated_release.pk)
    conversations.preferences_update(actor=viewer, channels={"gate": "daily"})
    quiet = UserFactory(email="quiet@example.com", role=Role.VIEWER)
    conversations.follow_create(actor=quiet, kind="release", object_id=gated_release.pk)
    conversations.preferences_update(actor=quiet, channels={"gate": "off"})
    gone = UserFactory(email="gone@example.com", role=Role.VIEWER)
    conversations.follow_create(actor=gone, kind="release", object_id=gated_release.pk)
    gone.is_active = False
    gone.save()
    Notification.objects.all().delete()

    _block(editor, product, gated_release)

    told = Notification.objects.filter(verb="gate")
    assert sorted(n.recipient.email for n in told) == [editor.email, viewer.email]
    note = told.get(recipient=viewer)
    assert note.title == "“Orbit 2.0” no longer passes its release gate"
    assert note.body == "Not met: No blocking open defect."
    assert note.url == gated_release.get_absolute_url()
    (entry,) = DigestEntry.objects.filter(user=viewer)
    assert (entry.event, entry.kind, entry.object_id) == ("gate", "release", gated_release.pk)


def test_followers_read_it_in_their_language(editor, viewer, product, gated_release):
    viewer.language = "fr"
    viewer.save()
    conversations.follow_create(actor=viewer, kind="release", object_id=gated_release.pk)
    defect = _block(editor, product, gated_release)
    quality.defect_update(actor=editor, defect=defect, status=DefectStatus.FIXED)
    titles = list(
        Notification.objects.filter(recipient=viewer, verb="gate")
        .order_by("pk")
        .values_list("title", flat=True)
    )
    assert titles == [
        "« Orbit 2.0 » ne franchit plus son contrôle de sortie",
        "« Orbit 2.0 » franchit désormais son contrôle de sortie",
    ]


def test_the_timeline_says_it_in_english_and_french(editor, product, gated_release):
    _block(editor, product, gated_release)
    (row,) = _flips(gated_release)
    row = Activity.objects.select_related("actor", "target_type").get(pk=row.pk)
    (entry,) = timeline.describe([row])
    assert "The release gate verdict of release" in entry.sentence
    assert [str(c) for c in entry.changes] == ["Release gate: passes → not passing"]
    with translation.override("fr"):
        (entry,) = timeline.describe([row])
        assert "Le verdict du contrôle de sortie de" in entry.sentence
        (change,) = entry.changes
        assert (change.label, change.summary) == ("Contrôle de sortie", "franchi → non franchi")


def test_the_release_page_shows_the_flip_in_its_timeline(
    editor, editor_client, product, gated_release
):
    _block(editor, product, gated_release)
    page = editor_client.get(gated_release.get_absolute_url())
    assert page.status_code == 200
    assert "The release gate verdict of" in page.content.decode()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def test_webhooks_get_the_old_and_new_verdict(admin, editor, product, gated_release, receiver):
    hook = webhooks.webhook_create(
        actor=admin, name="Ops", url=receiver.url, events=["release.gate_verdict_changed"]
    )
    defect = _block(editor, product, gated_release)
    quality.defect_update(actor=editor, defect=defect, status=DefectStatus.FIXED)
    first, second = receiver.received
    body = json.loads(first["body"])
    assert first["headers"]["X-Wavelength-Event"] == "release.gate_verdict_changed"
    assert first["headers"]["X-Wavelength-Signature"] == webhooks.sign(hook.secret, first["body"])
    assert body["type"] == "release.gate_verdict_changed"
    assert body["actor"] is None
    assert body["object"]["type"] == "release"
    assert body["object"]["id"] == gated_release.pk
    assert body["object"]["url"].endswith(gated_release.get_absolute_url())
    assert body["changes"] == {"gate_verdict": ["passing", "failing"]}
    assert body["payload"] == {"failing": ["quality.open_defects"]}
    assert json.loads(second["body"])["changes"] == {"gate_verdict": ["failing", "passing"]}


def test_a_webhook_for_another_product_hears_nothing(
    admin, editor, product, gated_release, receiver
):
    other = catalog.product_create(actor=admin, name="Nova")
    webhooks.webhook_create(
        actor=admin,
        name="Nova only",
        url=receiver.url,
        events=["release.gate_verdict_changed"],
        products=[other],
    )
    _block(editor, product, gated_release)
    assert len(_flips(gated_release)) == 1
    assert receiver.received == []


def test_the_viewer_sees_only_their_own_notifications(
    editor, viewer, viewer_client, product, gated_release
):
    _block(editor, product, gated_release)
    mine = Notification.objects.get(recipient=editor, verb="gate")
    assert viewer_client.post(f"/notifications/{mine.pk}/open/").status_code == 404
    page = viewer_client.get("/notifications/").content.decode()
    assert "no longer passes its release gate" not in page
