import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from tests.factories import FeatureFactory, ProductFactory, ReleaseFactory
from wavelength.core import versioning
from wavelength.core.exceptions import DomainError
from wavelength.core.models import Activity
from wavelength.core.timeline import describe
from wavelength.planning import figures, selectors, services
from wavelength.planning.models import KeyResult, Placement

from .conftest import make_objective


def _moves(feature):
    return Activity.objects.filter(verb="roadmap_moved", target_id=feature.pk)


def test_moving_into_a_release_leaves_the_other_open_release_and_says_why(
    editor, feature, releases
):
    services.roadmap_move(actor=editor, feature=feature, release=releases["late"])
    services.roadmap_move(actor=editor, feature=feature, release=releases["next"],
                          reason="The late release is full.")  # fmt: skip
    assert list(releases["next"].features.all()) == [feature]
    assert not releases["late"].features.exists()
    last = _moves(feature).order_by("-pk").first()
    assert last.changes == {"release": ["2.0", "2.1"]}
    assert last.payload["reason"] == "The late release is full."
    entry = describe([last])[0]
    assert entry.note == "The late release is full."
    # The releases' own histories record the change of their features too.
    assert Activity.objects.filter(target_id=releases["next"].pk, verb="updated").exists()


def test_a_shipped_or_foreign_release_refuses_the_feature(editor, feature, releases):
    with pytest.raises(DomainError) as shipped:
        services.roadmap_move(actor=editor, feature=feature, release=releases["shipped"])
    assert "release" in shipped.value.errors
    other = ReleaseFactory(product=ProductFactory(), version="9.0")
    with pytest.raises(DomainError):
        services.roadmap_move(actor=editor, feature=feature, release=other)
    assert not _moves(feature).exists()


def test_placing_in_a_column_is_recorded_with_labels(editor, feature):
    services.roadmap_move(actor=editor, feature=feature, column="now", reason="Capacity.")
    assert Placement.objects.get(feature=feature).column == "now"
    change = describe([_moves(feature).get()])[0].changes[0]
    assert (change.label, change.old, change.new) == ("Roadmap column", "—", "Now")
    services.roadmap_move(actor=editor, feature=feature, column=None)
    assert not Placement.objects.exists()


def test_a_bad_column_is_refused(editor, feature):
    with pytest.raises(DomainError) as exc:
        services.roadmap_move(actor=editor, feature=feature, column="someday")
    assert "column" in exc.value.errors


def test_a_stale_move_is_refused(editor, feature, releases):
    seen = services.roadmap_version(feature)
    services.roadmap_move(actor=editor, feature=feature, column="next")
    with pytest.raises(versioning.StaleVersion):
        services.roadmap_move(actor=editor, feature=feature, column="now", if_version=seen)
    assert Placement.objects.get(feature=feature).column == "next"


def test_viewer_cannot_move_or_plan(viewer, feature, releases):
    with pytest.raises(PermissionDenied):
        services.roadmap_move(actor=viewer, feature=feature, column="now")
    with pytest.raises(PermissionDenied):
        services.roadmap_plan(actor=viewer, features=[feature], column="now")


def test_plan_is_all_or_nothing(editor, feature, releases):
    stray = FeatureFactory(product=ProductFactory(), title="Elsewhere")
    with pytest.raises(DomainError):
        services.roadmap_plan(actor=editor, features=[feature, stray], release=releases["next"])
    assert not releases["next"].features.exists()
    n = services.roadmap_plan(actor=editor, features=[feature], release=releases["next"],
                              reason="Top score")  # fmt: skip
    assert n == 1 and _moves(feature).get().payload["reason"] == "Top score"


def test_objective_checks_its_period_and_product(now, editor, product, feature):
    with pytest.raises(DomainError) as exc:
        make_objective(editor, period_start=dt.date(2026, 7, 1), period_end=dt.date(2026, 6, 1))
    assert "period_end" in exc.value.errors
    other = FeatureFactory(product=ProductFactory(), title="Elsewhere")
    with pytest.raises(DomainError) as exc:
        make_objective(editor, product=product, features=[feature, other])
    assert "features" in exc.value.errors


def test_viewer_cannot_create_an_objective(now, viewer):
    with pytest.raises(PermissionDenied):
        make_objective(viewer)


def test_key_result_progress_and_objective_progress(editor, objective):
    kr = services.key_result_create(actor=editor, objective=objective, title="NPS",
                                    start=20, target=40, current=30)  # fmt: skip
    assert kr.progress == 50
    services.key_result_create(actor=editor, objective=objective, title="Done", target=1,
                               current=1)  # fmt: skip
    assert selectors.progress(objective) == 75
    kr = services.key_result_update(actor=editor, key_result=kr, current=50)
    assert kr.progress == 100


def test_key_result_refuses_bad_numbers_and_unknown_figures(editor, objective):
    for bad in ({"target": "many"}, {"target": Decimal("1e20")}, {"target": 1, "figure": "mood"}):
        with pytest.raises(DomainError):
            services.key_result_create(actor=editor, objective=objective, title="X", **bad)
    assert not KeyResult.objects.exists()


def test_a_key_result_follows_a_registered_figure(editor, objective, feature):
    figures.register_figure("features", label="Features", compute=lambda **kw: 7)
    try:
        kr = services.key_result_create(actor=editor, objective=objective, title="Linked",
                                        target=10, figure="features")  # fmt: skip
        assert kr.current == Decimal("7.00")
    finally:
        figures.unregister_figure("features")


def test_the_shipped_share_figure(editor, objective, feature):
    kr = services.key_result_create(actor=editor, objective=objective, title="GA",
                                    target=100, figure="shipped")  # fmt: skip
    assert kr.current == 0
    feature.stage = "generally_available"
    feature.save()
    assert services.key_result_refresh(actor=editor, key_result=kr).current == 100


def test_the_nps_figure_counts_the_period_s_answers_about_the_features(editor, objective, feature):
    from wavelength.research import services as research
    from wavelength.research.models import Response

    survey = research.survey_create(actor=editor, title="After offline mode", feature=feature)
    research.question_add(actor=editor, survey=survey, kind="nps", text="Recommend us?",
                          required=True)  # fmt: skip
    kr = services.key_result_create(actor=editor, objective=objective, title="NPS",
                                    target=40, figure="nps")  # fmt: skip
    assert kr.current == 0  # nobody answered yet: the start value
    for score, day in ((10, 2), (9, 3), (3, 4), (7, 5), (0, 20)):
        when = dt.datetime(2026, 5, day, tzinfo=dt.UTC)
        if day == 20:
            when = dt.datetime(2026, 7, 2, tzinfo=dt.UTC)  # after the period: left out
        Response.objects.create(survey=survey, score=score, submitted_at=when,
                                month=when.date().replace(day=1))  # fmt: skip
    # Two promoters, one detractor, one passive in the period: (2 - 1) / 4.
    assert services.key_result_refresh(actor=editor, key_result=kr).current == 25


def test_link_and_unlink_a_feature_are_recorded_on_both(editor, objective, product):
    other = FeatureFactory(product=product, title="Dark mode")
    services.objective_link(actor=editor, objective=objective, feature=other)
    assert set(objective.features.all()) >= {other}
    services.objective_link(actor=editor, objective=objective, feature=other, linked=False)
    verbs = Activity.objects.filter(target_id__in=[other.pk, objective.pk]).values_list(
        "verb", flat=True
    )
    assert {"linked", "unlinked"} <= set(verbs)


def test_stale_objective_edit_is_refused(editor, objective):
    seen = versioning.version_of(objective)
    data = services.ObjectiveData(title="New", owner=editor, period_start=objective.period_start,
                                  period_end=objective.period_end)  # fmt: skip
    services.objective_update(actor=editor, objective=objective, data=data)
    with pytest.raises(versioning.StaleVersion):
        services.objective_update(actor=editor, objective=objective, data=data, if_version=seen)
