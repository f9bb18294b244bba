import pytest

from wavelength.intelligence import (
    DuplicateIndex,
    FeatureDoc,
    FeatureSuggester,
    discover_themes,
    suggest_features,
)

REPORTS = {
    "r1": "Exporting a report to CSV drops the last column",
    "r2": "Dark mode for the mobile app please",
    "r3": "Le tableau de bord met une minute à charger",
    "r4": "Add single sign-on with Okta",
    "r5": "Invoices PDF have the wrong currency symbol",
    "r6": "Notifications arrive twice on Android",
}


def test_duplicates_rank_an_exact_rephrase_first():
    index = DuplicateIndex(list(REPORTS), list(REPORTS.values()))
    matches = index.query("When I export the report as CSV, the last column is missing", k=3)
    assert matches[0].id == "r1"
    assert matches[0].score > matches[1].score
    french = index.query("Le tableau de bord met plus d'une minute pour charger", k=3)
    assert french[0].id == "r3"


def test_duplicates_leave_the_query_item_out_when_asked():
    index = DuplicateIndex(list(REPORTS), list(REPORTS.values()))
    matches = index.query(REPORTS["r2"], k=10, exclude="r2")
    assert "r2" not in [m.id for m in matches]
    assert len(matches) == 5


def test_duplicate_search_is_deterministic():
    first = DuplicateIndex(list(REPORTS), list(REPORTS.values())).query("csv export column")
    second = DuplicateIndex(list(REPORTS), list(REPORTS.values())).query("csv export column")
    assert first == second


def test_empty_corpus_is_refused():
    with pytest.raises(ValueError, match="empty"):
        DuplicateIndex([], [])


EXPORTS = [
    "csv export of the report fails",
    "export report to csv is broken",
    "the csv export report is empty",
    "report csv export misses rows",
    "cannot export the report as csv",
]
BILLING = [
    "invoice billing shows wrong vat",
    "billing invoice has the wrong vat rate",
    "vat on the billing invoice is wrong",
    "invoice billing vat number missing",
    "billing sends the invoice without vat",
]


def test_themes_separate_two_obvious_groups_and_are_named_by_their_words():
    themes = discover_themes(EXPORTS + BILLING, k=2)
    first, second = themes.assignments[:5], themes.assignments[5:]
    assert len(set(first)) == 1 and len(set(second)) == 1 and first[0] != second[0]
    export_name, billing_name = themes.names[first[0]], themes.names[second[0]]
    assert {"csv", "export"} & set(export_name.split(" · "))
    assert {"invoice", "billing", "vat"} & set(billing_name.split(" · "))
    assert themes.sizes == [5, 5]


def test_themes_choose_k_when_not_given_and_are_deterministic():
    first = discover_themes(EXPORTS + BILLING)
    assert first == discover_themes(EXPORTS + BILLING)
    assert len(first.names) >= 2


FEATURES = [
    FeatureDoc("f1", "CSV export", "Export any report to CSV or Excel"),
    FeatureDoc("f2", "Dark mode", "A dark theme for web and mobile", ["Night theme please"]),
    FeatureDoc("f3", "Single sign-on", "SAML and OIDC sign-in with Okta, Azure AD"),
    FeatureDoc("f4", "Tableau de bord", "Indicateurs clés", ["Le tableau de bord est lent"]),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Could I get my monthly report as a CSV file?", "f1"),
        ("My eyes hurt at night, a darker theme would help", "f2"),
        ("We need to log in through Okta", "f3"),
        ("Le tableau de bord est beaucoup trop lent le matin", "f4"),
    ],
)
def test_suggestions_rank_the_matching_feature_first(text, expected):
    suggestions = suggest_features(text, FEATURES, k=3)
    assert suggestions[0].id == expected
    assert len(suggestions) == 3
    assert suggestions[0].score > suggestions[1].score


def test_suggester_is_built_once_and_deterministic():
    suggester = FeatureSuggester(FEATURES)
    assert suggester.suggest("csv export") == suggester.suggest("csv export")
    assert [s.id for s in suggester.suggest("csv export", k=10)][0] == "f1"
