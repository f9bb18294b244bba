"""JUnit XML import: real reports written by pytest in the test itself, Maven Surefire and
Jest flavours, hostile and malformed files, odd inputs (hypothesis), the API door, the
command line, all-or-nothing and flaky tests."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.api.utils import errors, nothing_written, url
from wavelength.core.exceptions import DomainError
from wavelength.quality import junit, selectors, services
from wavelength.quality.models import CaseVersion, Suite, TestCase, TestResult, TestRun

pytestmark = pytest.mark.django_db
REPORTS = Path(__file__).parent / "reports"

SAMPLE_TESTS = """
import pytest


def test_adds():
    assert 1 + 1 == 2


def test_fails():
    print("computing the total")
    assert 1 + 1 == 3, "the total is wrong"


@pytest.mark.skip(reason="not on this platform")
def test_skipped():
    pass


@pytest.mark.parametrize("n", [1, 2])
def test_param(n):
    assert n


class TestCart:
    def test_empty(self, record_property):
        record_property("feature", "cart")
        assert []  == []

    def test_errors(self):
        raise RuntimeError("boom")
"""


def pytest_report(tmp_path, source=SAMPLE_TESTS, name="test_sample.py") -> bytes:
    """Run pytest on a generated test file and return the JUnit XML it wrote."""
    (tmp_path / name).write_text(textwrap.dedent(source))
    report = tmp_path / "report.xml"
    env = {**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            name,
            f"--junitxml={report}",
            "-q",
            "-p",
            "no:cacheprovider",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        timeout=120,
    )
    return report.read_bytes()


SUREFIRE = (REPORTS / "surefire.xml").read_bytes()

JEST = (REPORTS / "jest.xml").read_bytes()

BILLION_LAUGHS = (REPORTS / "billion_laughs.xml").read_bytes()

EXTERNAL = (REPORTS / "external_entity.xml").read_bytes()


# Parsing ----------------------------------------------------------------------------------


def test_parse_a_real_pytest_report(tmp_path):
    cases = {c.identifier: c for c in junit.parse(pytest_report(tmp_path))}
    assert set(cases) == {
        "test_sample::test_adds",
        "test_sample::test_fails",
        "test_sample::test_skipped",
        "test_sample::test_param[1]",
        "test_sample::test_param[2]",
        "test_sample.TestCart::test_empty",
        "test_sample.TestCart::test_errors",
    }
    assert cases["test_sample::test_adds"].status == "passed"
    failed = cases["test_sample::test_fails"]
    assert failed.status == "failed" and "the total is wrong" in failed.message
    assert "computing the total" in failed.notes  # system-out
    assert cases["test_sample::test_skipped"].status == "skipped"
    assert "not on this platform" in cases["test_sample::test_skipped"].message
    assert cases["test_sample.TestCart::test_errors"].status == "failed"  # an error fails
    assert cases["test_sample.TestCart::test_empty"].properties == {"feature": "cart"}
    assert all(c.duration_ms is not None and c.duration_ms >= 0 for c in cases.values())


def test_parse_surefire_and_jest_flavours():
    surefire = {c.identifier: c for c in junit.parse(SUREFIRE)}
    assert surefire["com.acme.CartTest::addsItem"].duration_ms == 11
    removes = surefire["com.acme.CartTest::removesItem"]
    assert removes.status == "failed" and "expected:<0> but was:<1>" in removes.message
    assert surefire["com.acme.CartTest::checksOut"].status == "skipped"
    jest = [c.status for c in junit.parse(JEST)]
    assert jest == ["passed", "failed"]


def test_xml_bombs_and_external_entities_are_refused_unexpanded():
    for hostile in (BILLION_LAUGHS, EXTERNAL):
        with pytest.raises(DomainError) as exc:
            junit.parse(hostile)
        assert "DTD" in exc.value.errors["file"]


@pytest.mark.parametrize(
    "data, words",
    [
        (b"", "empty"),
        (b"<testsuites><testsuite>", "not well-formed XML (line 1"),
        (b"<html><body/></html>", "root is <html>"),
        (b"<testsuites/>", "no test case"),
        (b'<testsuite><testcase classname="a"/></testsuite>', "has no name"),
    ],
)
def test_malformed_reports_say_what_is_wrong(data, words):
    with pytest.raises(DomainError) as exc:
        junit.parse(data)
    assert words in exc.value.errors["file"]


def test_oversized_reports_are_refused_before_parsing(monkeypatch):
    monkeypatch.setattr(junit, "MAX_BYTES", 100)
    with pytest.raises(DomainError) as exc:
        junit.parse(b"<testsuite>" + b" " * 200 + b"</testsuite>")
    assert "larger than" in exc.value.errors["file"]


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400) | st.text(max_size=400).map(str.encode))
def test_any_bytes_parse_or_are_refused_cleanly(data):
    try:
        cases = junit.parse(data)
    except DomainError as exc:
        assert set(exc.errors) == {"file"}
    else:
        assert cases


_names = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40
).filter(lambda s: s.strip())


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(_names, _names), min_size=1, max_size=8))
def test_odd_names_round_trip(pairs):
    from xml.sax.saxutils import quoteattr

    body = "".join(
        f"<testcase classname={quoteattr(c)} name={quoteattr(n)} time='0.1'/>" for c, n in pairs
    )
    cases = junit.parse(f"<testsuite name='s'>{body}</testsuite>")

    def clipped(text):
        return text if len(text) <= 500 else text[:499] + "…"

    assert {c.identifier for c in cases} == {clipped(f"{c.strip()}::{n.strip()}") for c, n in pairs}


# Import -----------------------------------------------------------------------------------


def test_import_creates_missing_cases_and_records_a_run(editor, viewer, release, tmp_path):
    run = services.junit_import(
        actor=editor, release=release, build="2.0.0+abc123", data=pytest_report(tmp_path)
    )
    assert run.source == "junit" and run.build == "2.0.0+abc123" and run.plan is None
    progress = selectors.progress_of([run])[0]
    assert progress.total == 7 and progress.counts == {"passed": 4, "failed": 2, "skipped": 1}
    automated = Suite.objects.get(product=release.product, name="Automated", parent=None)
    assert automated.cases.count() == 7
    assert CaseVersion.objects.filter(case__suite=automated, number=1).count() == 7
    case = TestCase.objects.get(automation_id="test_sample::test_fails")
    result = run.results.get(case=case)
    assert result.status == "failed" and "the total is wrong" in result.notes
    assert result.case_version.number == 1


def test_a_second_import_maps_to_the_same_cases(editor, release, tmp_path, case):
    services.case_update(actor=editor, case=case, automation_id="test_sample::test_adds")
    data = pytest_report(tmp_path)
    services.junit_import(actor=editor, release=release, build="1", data=data)
    services.junit_import(actor=editor, release=release, build="2", data=data)
    assert TestCase.objects.filter(product=release.product).count() == 7  # 6 created + case
    assert case.results.count() == 2
    assert not Suite.objects.get(name="Automated").cases.filter(title="test_adds").exists()


def test_a_refused_report_records_nothing(editor, release):
    with nothing_written(TestRun, TestResult, TestCase, CaseVersion, Suite):
        with pytest.raises(DomainError):
            services.junit_import(actor=editor, release=release, build="1", data=BILLION_LAUGHS)
        with pytest.raises(DomainError) as exc:
            services.junit_import(actor=editor, release=release, build=" ", data=SUREFIRE)
        assert "build" in exc.value.errors


def test_results_for_tests_outside_the_run_are_refused(editor, release, case):
    services.case_update(actor=editor, case=case, automation_id="com.acme.CartTest::addsItem")
    plan = services.plan_create(actor=editor, release=release, name="P", cases=[case])
    run = services.run_create(actor=editor, plan=plan, build="1")
    with nothing_written(TestResult, TestCase, TestRun), pytest.raises(DomainError) as exc:
        services.junit_import(actor=editor, release=release, build="1", data=SUREFIRE, run=run)
    message = exc.value.errors["file"]
    assert "2 result(s) are for tests outside this run" in message
    assert "com.acme.CartTest::removesItem" in message
    one = b'<testsuite><testcase classname="com.acme.CartTest" name="addsItem"/></testsuite>'
    services.junit_import(actor=editor, release=release, build="1", data=one, run=run)
    assert run.results.get().status == "passed"


def test_viewer_cannot_import(viewer, release):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied), nothing_written(TestRun):
        services.junit_import(actor=viewer, release=release, build="1", data=SUREFIRE)


# API and command line -----------------------------------------------------------------------


def test_api_takes_a_multipart_file(editor_api, release, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("report.xml", pytest_report(tmp_path), content_type="text/xml")
    response = editor_api.post(
        url("junit-import", release=release.pk, build="2.0.1"), {"file": upload}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["progress"]["total"] == 7 and body["source"] == "junit"


def test_api_takes_a_raw_body_and_a_product_and_version(editor_api, release):
    response = editor_api.post(
        url("junit-import", product="orbit", version="2.0", build="b7"),
        SUREFIRE,
        content_type="application/xml",
    )
    assert response.status_code == 201, response.content
    assert response.json()["progress"]["failed"] == 1


def test_api_refusals_name_the_problem_and_record_nothing(editor_api, viewer_api, release):
    with nothing_written(TestRun, TestResult, TestCase):
        response = editor_api.post(
            url("junit-import", release=99999, build="1"), SUREFIRE, content_type="application/xml"
        )
        assert response.status_code == 422 and "release" in errors(response)
        response = editor_api.post(
            url("junit-import", product="orbit", version="9.9", build="1"),
            SUREFIRE,
            content_type="application/xml",
        )
        assert response.status_code == 422 and "no release 9.9" in errors(response)["version"]
        response = editor_api.post(
            url("junit-import", release=release.pk, build="1"),
            BILLION_LAUGHS,
            content_type="application/xml",
        )
        assert response.status_code == 422 and "DTD" in errors(response)["file"]
        response = editor_api.post(
            url("junit-import", release=release.pk, build="1"), b"<x", content_type="text/xml"
        )
        assert response.status_code == 422 and "well-formed" in errors(response)["file"]
        response = viewer_api.post(
            url("junit-import", release=release.pk, build="1"), SUREFIRE, content_type="text/xml"
        )
        assert response.status_code == 403
        assert Client().post(url("junit-import", release=release.pk, build="1")).status_code == 401


def test_command_imports_a_report(editor, release, tmp_path, capsys):
    report = tmp_path / "junit.xml"
    report.write_bytes(SUREFIRE)
    call_command(
        "quality",
        "import-junit",
        str(report),
        "--release",
        "2.0",
        "--build",
        "2.0.0",
        "--as",
        editor.email,
    )
    out = capsys.readouterr().out
    assert "3 tests, 1 passed, 1 failed, 1 skipped" in out
    with pytest.raises(CommandError, match="No release 9.9"):
        call_command(
            "quality",
            "import-junit",
            str(report),
            "--release",
            "9.9",
            "--build",
            "1",
            "--as",
            editor.email,
        )
    report.write_bytes(BILLION_LAUGHS)
    with pytest.raises(CommandError, match="Nothing recorded"):
        call_command(
            "quality",
            "import-junit",
            str(report),
            "--release",
            "2.0",
            "--build",
            "1",
            "--as",
            editor.email,
        )
    assert TestRun.objects.count() == 1


# Flaky tests ------------------------------------------------------------------------------


def _report(outcomes: dict[str, str]) -> bytes:
    body = "".join(
        f'<testcase classname="t" name="{n}">{"<failure/>" if s == "failed" else ""}</testcase>'
        for n, s in outcomes.items()
    )
    return f"<testsuite>{body}</testsuite>".encode()


def test_flaky_tests_flip_within_a_build_or_back_and_forth(editor, viewer, release, product):
    imports = [
        ("1", {"steady": "passed", "same_build": "passed", "wobbly": "passed", "broke": "passed"}),
        ("1", {"steady": "passed", "same_build": "failed", "wobbly": "passed", "broke": "passed"}),
        ("2", {"steady": "passed", "same_build": "failed", "wobbly": "failed", "broke": "failed"}),
        ("3", {"steady": "passed", "same_build": "failed", "wobbly": "passed", "broke": "failed"}),
    ]
    for build, outcomes in imports:
        services.junit_import(actor=editor, release=release, build=build, data=_report(outcomes))
    flaky = {f.case.title: f for f in selectors.flaky_tests(user=viewer, product=product)}
    assert set(flaky) == {"same_build", "wobbly"}  # "broke" flipped once: a regression
    assert flaky["same_build"].same_build and not flaky["wobbly"].same_build
    assert flaky["wobbly"].flips == 2


def test_command_lists_flaky_tests_as_a_table(editor, release, product, capsys):
    call_command("quality", "flaky", "--product", product.slug)
    assert "No flaky test" in capsys.readouterr().out
    for build, outcome in [("1", "passed"), ("1", "failed"), ("2", "passed")]:
        report = _report({"wobbly": outcome, "steady": "passed"})
        services.junit_import(actor=editor, release=release, build=build, data=report)
    call_command("quality", "flaky", "--product", product.slug)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["CASE", "TEST", "FLIPS", "SAME", "BUILD", "LATEST"]
    wobbly = TestCase.objects.get(title="wobbly")
    assert lines[1].split() == [wobbly.key, "t::wobbly", "2", "yes", "P", "F", "P"]
    assert len(lines) == 2  # "steady" never flipped
    with pytest.raises(CommandError, match="No product “nope”"):
        call_command("quality", "flaky", "--product", "nope")


def test_the_old_import_command_is_gone():
    with pytest.raises(CommandError, match="Unknown command"):
        call_command("quality-import-junit")


def test_api_takes_a_raw_body_larger_than_django_s_form_limit(editor_api, release, settings):
    rows = "".join(
        f'<testcase classname="tests.big" name="test_{n}" time="0.001"><system-out>{"x" * 400}'
        f"</system-out></testcase>"
        for n in range(7000)
    )
    data = f"<testsuite>{rows}</testsuite>".encode()
    assert len(data) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    settings.JUNIT_BACKGROUND_BYTES = len(data)  # recorded in the request, not by a job
    response = editor_api.post(
        url("junit-import", release=release.pk, build="big"), data, content_type="application/xml"
    )
    assert response.status_code == 201, response.content
    assert response.json()["progress"]["total"] == 7000
