"""Regression tests for the defects a new user met on a first walk through the app: section
counters, mixed date formats and raw durations, untranslated French, the company page without
what customers were told, raw Markdown on product cards, markup in slugs, silent step
completion, the new-feedback form without pickers and blank 405s."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from tests.conftest import client_for
from wavelength.catalog import services as catalog
from wavelength.core import formats
from wavelength.feedback import services as feedback
from wavelength.feedback.models import Contact, Feedback
from wavelength.outreach.models import LoopMessage, LoopStatus
from wavelength.processes import services as processes
from wavelength.processes.services import StepSpec
from wavelength.quality.models import ResultStatus

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 12, 6, 16, 25, tzinfo=dt.UTC)


def _count(html: str, key: str) -> str:
    """The number beside a section's title on the feature page."""
    match = re.search(rf'id="section-{key}-title">[^<]*<span class="tab-count">(\d+)<', html)
    return match.group(1)


def test_feature_section_counters_count_what_the_section_shows(editor_client, editor, product):
    feature = catalog.feature_create(actor=editor, product=product, title="Exports")
    html = editor_client.get(feature.get_absolute_url()).content.decode()
    assert "Customers cannot see or vote for this feature yet" in html
    assert _count(html, "portal") == "0"  # was 1: the summary itself was counted
    assert _count(html, "loop") == "0"  # was 1 above "Sent 0 / Drafts 0 / Skipped 0"


def test_durations_read_as_people_say_them():
    assert formats.duration(536000) == "8 min 56 s"
    assert formats.duration(950) == "950 ms"
    assert formats.duration(12_300) == "12.3 s"
    assert formats.duration(7_500_000) == "2 h 5 min"
    assert formats.duration(None) == "—"


@time_machine.travel(NOW, tick=False)
def test_dates_use_the_locale_and_recent_times_read_relative():
    with translation.override("fr"):
        assert formats.day(dt.date(2026, 12, 27)) == "27 décembre 2026"
        assert formats.ago(NOW - dt.timedelta(hours=3)) == "il y a 3\xa0heures"
        assert formats.ago(NOW - dt.timedelta(days=30)) == "6 novembre 2026"
    with translation.override("en"):
        assert formats.day(dt.date(2026, 12, 27)) == "Dec. 27, 2026"
        assert formats.moment(NOW) == "Dec. 6, 2026, 4:25 p.m."


def test_one_date_format_on_the_release_list(editor_client, editor, product):
    catalog.release_create(
        actor=editor, product=product, version="2.0", target_date=dt.date(2026, 12, 27)
    )
    html = editor_client.get(reverse("catalog:release-list")).content.decode()
    assert "Dec. 27, 2026" in html and "12/27/2026" not in html


def test_french_navigation_statuses_and_formulas(editor, product):
    client = client_for(editor)
    client.cookies.load({"django_language": "fr"})
    home = client.get(reverse("core:home"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert ">Documentation<" in home and ">Procédures<" in home
    with translation.override("fr"):
        labels = {str(ResultStatus(s).label) for s in ("passed", "failed", "blocked")}
    assert labels == {"Réussi", "Échoué", "Bloqué"}  # one gender: le résultat
    prio = client.get(reverse("prioritisation:prioritisation"), HTTP_ACCEPT_LANGUAGE="fr")
    html = prio.content.decode()
    assert "portée × impact × confiance ÷ effort" in html
    assert "Effort\xa0: mois-personne." in html and "person-months" not in html


def test_the_company_page_lists_the_messages_sent_to_its_contacts(editor, editor_client, product):
    acme = feedback.company_create(actor=editor, name="Acme", domains=["acme.com"])
    contact = Contact.objects.create(company=acme, name="Jane", email="jane@acme.com")
    feature = catalog.feature_create(actor=editor, product=product, title="Exports")
    LoopMessage.objects.create(
        feature=feature, contact=contact, company=acme, trigger="released", subject="It shipped",
        body="Hi", status=LoopStatus.SENT, sent_at=NOW,
    )  # fmt: skip
    LoopMessage.objects.create(
        feature=feature, contact=contact, company=acme, trigger="beta", subject="Draft only",
        body="Hi", status=LoopStatus.DRAFT,
    )  # fmt: skip
    html = editor_client.get(acme.get_absolute_url()).content.decode()
    assert "Messages sent" in html and "It shipped" in html and "Draft only" not in html
    assert "to Jane" in html and "Dec. 6, 2026" in html


def test_product_cards_show_text_not_markdown(editor, editor_client):
    catalog.product_create(actor=editor, name="Lumen", description="**Bold** [docs](https://x.y)")
    html = editor_client.get(reverse("core:home")).content.decode()
    card = html.split('class="card card--link product-card"')[1].split("</a>")[0]
    assert "Bold docs" in card and "**" not in card


def test_playbook_slugs_keep_no_markup(editor):
    playbook = processes.playbook_create(
        actor=editor, name="**Launch** <em>v2</em>", steps=[StepSpec(title="Go")]
    )
    assert playbook.slug == "launch-v2"


def test_completing_a_step_says_so(editor):
    playbook = processes.playbook_create(actor=editor, name="Launch", steps=[StepSpec(title="Go")])
    run = processes.run_start(actor=editor, playbook=playbook)
    step = run.steps.get()
    client = client_for(editor)
    url = f"/runs/{run.pk}/steps/{step.pk}/complete/"
    swapped = client.post(url, {}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="run-body")
    assert "Step “Go” completed." in swapped.content.decode()
    processes.runstep_reopen(actor=editor, step=step)
    followed = client.post(url, {}, follow=True)
    assert "Step “Go” completed." in followed.content.decode()


def test_new_feedback_picks_a_company_and_one_of_its_contacts(editor, editor_client):
    acme = feedback.company_create(actor=editor, name="Acme", domains=["acme.com"])
    jane = Contact.objects.create(company=acme, name="Jane", email="jane@acme.com")
    url = reverse("feedback:feedback-create")
    listed = editor_client.get(url, {"company": acme.pk}).content.decode()
    assert f'<option value="{jane.pk}">' in listed
    response = editor_client.post(
        url, {"text": "Exports please", "source": "web", "company": acme.pk, "contact": jane.pk}
    )
    assert response.status_code == 302
    item = Feedback.objects.get()
    assert (item.company, item.contact) == (acme, jane)
    bad = editor_client.post(url, {"text": "x", "source": "web", "contact": 999999})
    assert bad.status_code == 422 and Feedback.objects.count() == 1


def test_a_get_of_post_only_addresses_goes_somewhere_useful(admin_client, editor, product):
    people = admin_client.get(reverse("accounts:user-create"))
    assert people.status_code == 302 and people.url.endswith("/people/#add-person")
    feature = catalog.feature_create(actor=editor, product=product, title="Exports")
    loop = client_for(editor).get(reverse("outreach:loop-prepare", args=[feature.pk]))
    assert loop.status_code == 302 and loop.url == reverse("outreach:loop", args=[feature.pk])
