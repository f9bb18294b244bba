"""The agenda built from live data, on a small world with a frozen clock."""

import datetime as dt

from tests.meetings.conftest import NOW
from wavelength.core import clock
from wavelength.meetings import selectors, services

WEEK_AGO = NOW - dt.timedelta(days=7)


def _titles(items):
    return [i.display_title for i in items]


def test_the_agenda_holds_each_part_since_the_previous_meeting(now, meeting, admin):
    previous, current = meeting
    with clock.travel(previous.starts_at):
        services.action_create(
            actor=admin,
            occurrence=previous,
            title="Call Big Co",
            owner=admin,
            due_on=dt.date(2026, 3, 13),
        )
    services.agenda_generate(actor=admin, occurrence=current)
    titles = _titles(selectors.agenda_items(user=admin, occurrence=current))
    feedback = [t for t in titles if t.startswith("Feedback from")]
    assert feedback == [
        "Feedback from Big Co: Big Co wants dark mode",
        "Feedback from Small Co: Small Co wants dark mode",
    ]
    assert "Dark mode moved to Discovery" in titles
    assert any(t.startswith("Orbit 2.0 is due on") for t in titles)
    assert not any("3.0" in t for t in titles)
    assert "Critical defect: Data loss on save" in titles
    assert "Stale page: Pricing FAQ" in titles
    assert "Carried over: Call Big Co (Alice Admin)" in titles


def test_a_release_item_carries_its_gate_verdict(now, meeting, admin):
    _previous, current = meeting
    services.agenda_generate(actor=admin, occurrence=current)
    item = current.items.get(kind="releases")
    assert item.display_note.startswith(("Gate passes.", "Gate fails"))


def test_generating_twice_keeps_edits_and_adds_only_what_is_new(now, meeting, admin):
    _previous, current = meeting
    services.agenda_generate(actor=admin, occurrence=current)
    item = current.items.get(kind="defects")
    services.agenda_item_update(actor=admin, item=item, title="Data loss: who fixes it?")
    count = current.items.count()
    assert services.agenda_generate(actor=admin, occurrence=current) == []
    assert current.items.count() == count
    assert current.items.filter(title="Data loss: who fixes it?").exists()


def test_a_part_switched_off_is_left_out(now, meeting, admin, editor):
    _previous, current = meeting
    series = current.series
    series.agenda_parts = ["defects"]
    series.save()
    services.agenda_generate(actor=admin, occurrence=current)
    assert set(current.items.values_list("kind", flat=True)) == {"defects"}


def test_an_attendee_who_cannot_see_a_page_gets_no_item_of_it(
    now, meeting, admin, viewer, outsider
):
    _previous, current = meeting
    services.agenda_generate(actor=admin, occurrence=current)
    assert "Stale page: Pricing FAQ" in _titles(
        selectors.agenda_items(user=outsider, occurrence=current)
    )
    assert "Stale page: Pricing FAQ" not in _titles(
        selectors.agenda_items(user=viewer, occurrence=current)
    )


def test_generating_as_the_viewer_reads_only_what_they_may_see(now, meeting, editor):
    _previous, current = meeting
    services.agenda_generate(actor=editor, occurrence=current)  # editor is not in Sales
    assert not current.items.filter(kind="pages").exists()


def test_done_action_items_are_not_carried_over(now, meeting, admin):
    previous, current = meeting
    with clock.travel(previous.starts_at):
        action = services.action_create(actor=admin, occurrence=previous, title="Call", owner=admin)
    services.action_update(actor=admin, action=action, status="done")
    services.agenda_generate(actor=admin, occurrence=current)
    assert not current.items.filter(kind="actions").exists()


def test_an_item_about_a_hidden_page_is_a_404_through_the_api(now, meeting, admin, viewer):
    from tests.api.utils import bearer_client, url

    _previous, current = meeting
    services.agenda_generate(actor=admin, occurrence=current)
    item = current.items.get(kind="pages")
    assert bearer_client(viewer).get(url("item-detail", item.pk)).status_code == 404
    assert bearer_client(admin).get(url("item-detail", item.pk)).status_code == 200
