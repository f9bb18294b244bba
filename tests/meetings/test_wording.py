"""Generated agenda items read in each reader's language, with dates in its format; the
items the first version stored as English sentences are rebuilt by a data migration."""

import datetime as dt
from importlib import import_module

from django.apps import apps
from django.utils import translation

from wavelength.core import activity, clock
from wavelength.meetings import selectors, services
from wavelength.meetings.models import AgendaItem, MeetingSeries

migration = import_module("wavelength.meetings.migrations.0003_agenda_items_in_readers_language")


def _read(user, occurrence, language):
    with translation.override(language):
        return {i.kind: (i.display_title, i.display_note)
                for i in selectors.agenda_items(user=user, occurrence=occurrence)}  # fmt: skip


def test_a_generated_item_reads_in_the_readers_language_and_date_format(now, meeting, admin):
    previous, current = meeting
    with clock.travel(previous.starts_at):
        services.action_create(actor=admin, occurrence=previous, title="Call Big Co",
                               owner=admin, due_on=dt.date(2026, 3, 13))  # fmt: skip
    services.agenda_generate(actor=admin, occurrence=current)
    english, french = _read(admin, current, "en"), _read(admin, current, "fr")
    assert english["actions"] == (
        "Carried over: Call Big Co (Alice Admin)",
        "Due on March 13, 2026.",
    )
    assert french["actions"][0].startswith("Reporté")
    assert french["actions"][0].endswith("Call Big Co (Alice Admin)")
    assert french["actions"][1] == "Échéance le 13 mars 2026."
    assert english["releases"][0] == "Orbit 2.0 is due on March 23, 2026"
    assert "23 mars 2026" in french["releases"][0]
    assert english["stages"] == ("Dark mode moved to Discovery", "From Idea.")
    assert french["stages"][0].startswith("Dark mode est passée à l’étape")
    stored = current.items.get(kind="actions")
    assert stored.title == "" and stored.params["due_on"] == "2026-03-13"


def test_an_edited_item_keeps_the_persons_words(now, meeting, admin):
    _previous, current = meeting
    services.agenda_generate(actor=admin, occurrence=current)
    item = current.items.get(kind="defects")
    untouched = item.display_title
    services.agenda_item_update(actor=admin, item=item, title=untouched, note="Ask QA")
    item.refresh_from_db()
    assert item.title == "" and item.note == "Ask QA"  # the title still follows the language
    services.agenda_item_update(actor=admin, item=item, title="Data loss: who owns it?", note="")
    with translation.override("fr"):
        item.refresh_from_db()
        assert item.display_title == "Data loss: who owns it?"


def test_the_most_asked_for_features_since_the_last_meeting(now, meeting, admin):
    _previous, current = meeting
    services.agenda_generate(actor=admin, occurrence=current)
    asks = current.items.get(kind="asks")
    assert asks.params == {"feature": "Dark mode", "new": 2, "total": 2, "companies": 2}
    assert asks.display_title == "Dark mode: asked for 2 more times"
    assert asks.display_note == "2 requests in all, from 2 customers."


def test_the_migration_rebuilds_english_items_and_keeps_edited_ones(now, meeting, admin):
    previous, current = meeting
    with clock.travel(previous.starts_at):
        action = services.action_create(actor=admin, occurrence=previous, title="Call Big Co",
                                        owner=admin, due_on=dt.date(2026, 3, 13))  # fmt: skip
    old = AgendaItem.objects.create(
        occurrence=current, position=1, kind="actions", source_id=action.pk,
        title="Carried over: Call Big Co (Alice Admin)", note="Due on 2026-03-13.",
    )  # fmt: skip
    edited = AgendaItem.objects.create(
        occurrence=current, position=2, kind="actions", source_id=action.pk,
        title="Call Big Co before Friday", note="",
    )  # fmt: skip
    activity.record(actor=admin, verb="updated", target=edited, changes={"title": ["a", "b"]})
    gone = AgendaItem.objects.create(occurrence=current, position=3, kind="defects",
                                     source_id=999999, title="Critical defect: gone")  # fmt: skip
    series = MeetingSeries.objects.get(pk=current.series_id)
    series.agenda_parts = ["feedback", "defects"]
    series.save()
    migration.forwards(apps, None)
    (
        old.refresh_from_db(),
        edited.refresh_from_db(),
        gone.refresh_from_db(),
        series.refresh_from_db(),
    )
    assert old.title == "" and old.params["due_on"] == "2026-03-13"
    with translation.override("fr"):
        assert old.display_note == "Échéance le 13 mars 2026."
    assert edited.title == "Call Big Co before Friday" and edited.params == {}
    assert gone.display_title == "Critical defect: gone"
    assert series.agenda_parts == ["feedback", "asks", "defects"]
    migration.backwards(apps, None)
    old.refresh_from_db()
    assert old.title == "Carried over: Call Big Co (Alice Admin)"
