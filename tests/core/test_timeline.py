"""Activities in words: the sentences and field diffs that timelines show."""

from django.utils import translation

from wavelength.catalog import services as catalog
from wavelength.core.models import Activity
from wavelength.core.timeline import describe


def _entries():
    return describe(Activity.objects.select_related("actor", "target_type").order_by("id"))


def test_created_feature_reads_as_a_sentence_with_a_link(editor, product):
    feature = catalog.feature_create(actor=editor, product=product, title="Dark <mode>")

    entry = _entries()[-1]

    assert entry.sentence == (
        '<strong class="timeline-actor">Bob Editor</strong> created feature '
        f'<a href="{feature.get_absolute_url()}">Dark &lt;mode&gt;</a>'
    )
    assert entry.changes == []


def test_foreign_keys_choices_tags_and_text_are_described(editor, product, product_team):
    feature = catalog.feature_create(actor=editor, product=product, title="SSO", tags=["a"])
    catalog.feature_update(
        actor=editor, feature=feature, owner_team=product_team, tags=["b"], description="New"
    )
    catalog.feature_move_stage(actor=editor, feature=feature, stage="discovery")

    update, move = _entries()[-2:]

    lines = sorted(str(change) for change in update.changes)
    assert lines == [
        "Description: text edited",
        "Owner team: — → Product",
        "Tags: added b; removed a",
    ]
    assert [str(c) for c in move.changes] == ["Stage: Idea → Discovery"]
    assert "moved feature" in move.sentence


def test_deleted_targets_are_shown_without_a_link(editor, product):
    release = catalog.release_create(actor=editor, product=product, version="1.0")
    kept = catalog.changelog_entry_create(actor=editor, release=release, title="Kept")
    gone = catalog.changelog_entry_create(actor=editor, release=release, title="Gone soon")
    catalog.changelog_entry_delete(actor=editor, entry=gone)

    created_kept, _created_gone, deleted = _entries()[-3:]

    assert created_kept.url == f"{release.get_absolute_url()}#entry-{kept.pk}"
    assert f'href="{created_kept.url}">Kept</a>' in created_kept.sentence
    assert deleted.url is None and 'class="timeline-gone">Gone soon<' in deleted.sentence


def test_sentences_and_labels_follow_the_language(editor, product, french_compiled):
    feature = catalog.feature_create(actor=editor, product=product, title="SSO")
    catalog.feature_move_stage(actor=editor, feature=feature, stage="discovery")

    with translation.override("fr"):
        entry = _entries()[-1]
        line = str(entry.changes[0])

    assert "a déplacé la fonctionnalité" in entry.sentence
    assert line == "Étape: Idée → Exploration"


def test_a_change_named_like_a_reverse_relation_is_shown_as_a_value(editor, product):
    from wavelength.core import activity

    feature = catalog.feature_create(actor=editor, product=product, title="SSO")
    activity.record(actor=editor, verb="updated", target=feature, changes={"stage_entries": [1, 2]})

    (change,) = _entries()[-1].changes

    assert str(change) == "Stage_entries: 1 → 2"
