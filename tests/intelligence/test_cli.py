import csv
import subprocess
import sys
from pathlib import Path

import pytest

from tests.intelligence.test_similarity import BILLING, EXPORTS
from wavelength.intelligence.cli import main

LABELLED = [
    ("the app crashes on start", "bug"),
    ("crash when saving a file", "bug"),
    ("it crashes after the update", "bug"),
    ("error and crash on login", "bug"),
    ("app crashed twice today", "bug"),
    ("please add a dark mode", "feature"),
    ("please add export to pdf", "feature"),
    ("please add a calendar view", "feature"),
    ("please add tags to notes", "feature"),
    ("please add sharing by link", "feature"),
]


def write_csv(path: Path, header, rows) -> str:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return str(path)


@pytest.fixture
def labelled(tmp_path):
    return write_csv(tmp_path / "labelled.csv", ["body", "kind"], LABELLED * 2)


def test_eval_triage_ends_with_macro_f1(labelled, capsys):
    status = main(
        ["eval-triage", "--dataset", labelled, "--text-col", "body", "--label-col", "kind"]
    )
    lines = capsys.readouterr().out.strip().splitlines()
    assert status == 0
    assert any(line.startswith("bug ") for line in lines)
    assert lines[-1].startswith("macro-F1=")
    assert 0.5 <= float(lines[-1].split("=")[1]) <= 1


def test_eval_themes_ends_with_nmi_and_ari(tmp_path, capsys):
    rows = [(text, "export") for text in EXPORTS] + [(text, "billing") for text in BILLING]
    dataset = write_csv(tmp_path / "themes.csv", ["body", "kind"], rows * 2)
    args = ["eval-themes", "--dataset", dataset, "--text-col", "body", "--label-col", "kind"]
    assert main([*args, "--limit", "16"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("rows=16 labels=2 themes=2")
    assert lines[-1] == "themes=2 NMI=1.0000 ARI=1.0000"


def test_eval_duplicates_ends_with_top1_and_top10(tmp_path, capsys):
    reports = write_csv(
        tmp_path / "reports.csv",
        ["Issue id", "Summary", "Description"],
        [
            ("1", "Crash when printing", "Printing a page crashes the browser"),
            ("2", "Browser crashes on print", "The browser crashes when I print a page"),
            ("3", "Bookmarks lost", "All bookmarks vanished after restart"),
            ("4", "Mail filters ignored", "Filters on incoming mail do nothing"),
        ],
    )
    pairs = write_csv(
        tmp_path / "pairs.csv", ["issue_id_1", "issue_id_2"], [("1", "2"), ("3", "99")]
    )
    assert main(["eval-duplicates", "--reports", reports, "--pairs", pairs]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert "usable queries=2" in lines[0]
    assert lines[-1] == "top1=1.0000 top10=1.0000"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["eval-triage", "--dataset", "{missing}", "--text-col", "body", "--label-col", "kind"],
         "cannot read"),
        (["eval-triage", "--dataset", "{labelled}", "--text-col", "text", "--label-col", "kind"],
         "no column 'text'"),
        (["eval-themes", "--dataset", "{empty}", "--text-col", "body", "--label-col", "kind"],
         "no data rows"),
        (["eval-themes", "--dataset", "{labelled}", "--text-col", "body"], "--label-col"),
        (["eval-duplicates", "--reports", "{labelled}", "--pairs", "{labelled}"],
         "no column 'Issue id'"),
        (["eval-nothing"], "invalid choice"),
        (["eval-themes", "--dataset", "{stopwords}", "--text-col", "body", "--label-col", "kind"],
         "empty vocabulary"),
        (["eval-triage", "--dataset", "{stopwords}", "--text-col", "body", "--label-col", "kind"],
         "at least two labels with 5 rows"),
        (["eval-themes", "--dataset", "{labelled}", "--text-col", "body", "--label-col", "kind",
          "--k", "1"], "--k must be between 2"),
    ],
)  # fmt: skip
def test_bad_input_exits_2_with_one_line(tmp_path, labelled, capsys, args, message):
    empty = write_csv(tmp_path / "empty.csv", ["body", "kind"], [])
    stopwords = write_csv(tmp_path / "stop.csv", ["body", "kind"], [("the", "a"), ("of", "b")])
    paths = {
        "missing": str(tmp_path / "nope.csv"),
        "labelled": labelled,
        "empty": empty,
        "stopwords": stopwords,
    }
    assert main([arg.format(**paths) for arg in args]) == 2
    captured = capsys.readouterr()
    assert message in captured.err
    assert len(captured.err.strip().splitlines()) == 1
    assert "Traceback" not in captured.err


def test_wavelength_command_routes_evaluations_without_django(labelled):
    done = subprocess.run(
        [sys.executable, "-c", "import sys; from wavelength.cli import main; main(sys.argv)",
         "eval-triage", "--dataset", labelled, "--text-col", "body", "--label-col", "oops"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.startswith("wavelength eval-triage: error: ")


def test_intelligence_imports_no_django():
    # wavelength/__init__.py loads Celery (and so Django): stand in an empty parent package.
    package = Path(__file__).resolve().parents[2] / "src" / "wavelength"
    code = (
        "import sys, types; parent = types.ModuleType('wavelength'); "
        f"parent.__path__ = [{str(package)!r}]; sys.modules['wavelength'] = parent; "
        "import wavelength.intelligence, wavelength.intelligence.cli; "
        "assert 'sklearn' in sys.modules; "
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django'], 'django imported'"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_eval_themes_auto_lets_the_engine_choose(tmp_path, capsys):
    rows = [(text, "export") for text in EXPORTS] + [(text, "billing") for text in BILLING]
    dataset = write_csv(tmp_path / "themes.csv", ["body", "kind"], rows)
    args = ["eval-themes", "--dataset", dataset, "--text-col", "body", "--label-col", "kind"]
    assert main([*args, "--k", "auto"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert "(chosen by the engine)" in lines[0]
    assert lines[-1].startswith("themes=") and "NMI=" in lines[-1]


def test_eval_themes_refuses_a_k_that_is_not_a_number(tmp_path, capsys):
    dataset = write_csv(tmp_path / "themes.csv", ["body", "kind"], [("a b", "x")] * 4)
    args = ["eval-themes", "--dataset", dataset, "--text-col", "body", "--label-col", "kind"]
    assert main([*args, "--k", "many"]) == 2
    assert "expected a number or 'auto'" in capsys.readouterr().err


def test_eval_triage_on_own_items_only_maps_the_types(tmp_path, capsys):
    rows = [("The app crashes on start", "problem")] * 6 + [("Please add dark mode", "idea")] * 6
    dataset = write_csv(tmp_path / "reviews.csv", ["body", "kind"], rows)
    args = ["eval-triage", "--dataset", dataset, "--text-col", "body", "--label-col", "kind"]
    mapping = "bug=problem,complaint=problem,feature_request=idea,improvement=idea,"
    mapping += "question=idea,praise=idea"
    assert main([*args, "--train", "own", "--map", mapping]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert "engine=wavelength train=own" in lines[0]
    assert lines[-1] == "macro-F1=1.0000"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--train", "own"], "needs --map"),
        (["--map", "bug=problem"], "only applies with --train own"),
        (["--train", "own", "--map", "bug=problem"], "say which label stands for"),
        (
            [
                "--train",
                "own",
                "--map",
                "bug=nothing,complaint=problem,feature_request=idea,"
                "improvement=idea,question=idea,praise=idea",
            ],
            "no such label",
        ),
        (["--train", "own", "--map", "insect=problem"], "not a Wavelength type"),
    ],
)
def test_eval_triage_refuses_a_bad_map(tmp_path, capsys, extra, message):
    rows = [("The app crashes on start", "problem")] * 6 + [("Please add dark mode", "idea")] * 6
    dataset = write_csv(tmp_path / "reviews.csv", ["body", "kind"], rows)
    args = ["eval-triage", "--dataset", dataset, "--text-col", "body", "--label-col", "kind"]
    assert main([*args, *extra]) == 2
    assert message in capsys.readouterr().err
