import pytest

from tests.api.utils import errors, url
from wavelength.catalog import services

pytestmark = pytest.mark.django_db


def test_search_finds_a_feature_by_a_word_of_its_description(viewer_api, feature):
    response = viewer_api.get(url("search", q="spreadsheet"))

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    hit = body["items"][0]
    assert (hit["kind"], hit["id"], hit["title"]) == ("feature", feature.pk, "Export to CSV")
    assert "[[spreadsheet]]" in hit["snippet"]
    assert hit["url"] == f"http://testserver/features/{feature.pk}/"


def test_search_matches_word_prefixes(viewer_api, feature):
    assert viewer_api.get(url("search", q="spread")).json()["count"] == 1


def test_kind_keeps_only_the_kinds_asked_for(viewer_api, editor, feature, release):
    services.feature_update(actor=editor, feature=feature, description="Spring cleaning")
    services.release_update(actor=editor, release=release, description="Spring cleaning")

    everything = viewer_api.get(url("search", q="cleaning")).json()["items"]
    features = viewer_api.get(url("search", q="cleaning", kind="feature")).json()["items"]
    both = viewer_api.get(url("search", q="cleaning", kind="feature,release")).json()["items"]

    assert {h["kind"] for h in everything} == {"feature", "release"}
    assert [h["kind"] for h in features] == ["feature"]
    assert {h["kind"] for h in both} == {"feature", "release"}


def test_no_match_is_an_empty_list(viewer_api, feature):
    assert viewer_api.get(url("search", q="zeppelin")).json() == {"items": [], "count": 0}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({}, "q"),
        ({"q": "csv", "kind": "feature,bogus"}, "kind"),
        ({"q": "csv", "limit": 0}, "limit"),
    ],
)
def test_bad_search_is_422(viewer_api, query, field):
    response = viewer_api.get(url("search", **query))
    assert response.status_code == 422
    assert list(errors(response)) == [field]


def test_search_survives_query_syntax(viewer_api, feature):
    for text in ['"', "AND OR NOT", "*", "csv)", "NEAR(", "-"]:
        assert viewer_api.get(url("search", q=text)).status_code == 200
