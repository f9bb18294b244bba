"""``python -m bench``: generate (once) the data set of ``BENCH_SCALE`` and measure.

Exit status 0 when every measurement ran and every correctness check held (right answers,
queries that do not grow with the rows), 1 otherwise. Speed targets are reported, as a
``MISSED`` line and in the summary at the end, but a missed one never fails the run: timings
are noisy on a shared machine.

``BENCH_DATABASE=postgres`` runs on PostgreSQL instead of the scale's SQLite file: a database
of the run's own, created on the server of ``BENCH_POSTGRES_URL``, generated, measured and
dropped at the end (see ``bench/database.py``). Exit status 2 when it cannot be created.
"""

import os
import platform
import sys
import time
import warnings
from pathlib import Path

from . import database

DATA_DIR = Path(__file__).resolve().parent / ".data"
RUNS = {"S": 50, "M": 20, "L": 10}


def _setup(database_url: str) -> None:
    # The bench has its own database, whatever DATABASE_URL the shell has.
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wavelength.settings")
    # Pages are measured as they are built: a kept page would time the cache, not the page.
    os.environ["PAGE_CACHE_SECONDS"] = "0"
    # Static files are served from the finders when collectstatic has not run: no noise.
    warnings.filterwarnings("ignore", message="No directory at")
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]


def main() -> int:
    scale_name = os.getenv("BENCH_SCALE", "S").strip().upper()
    try:
        if database.engine() == "postgres":
            return _on_postgres(scale_name)
    except database.Refused as exc:
        print(exc, flush=True)
        return 2
    return _on_sqlite(scale_name)


def _scale(name: str):
    """The scale called ``name``, or None once the scales there are have been named."""
    from . import data

    if name not in data.SCALES:
        print(f"BENCH_SCALE must be one of {', '.join(data.SCALES)}, not {name!r}.")
        return None
    return data.SCALES[name]


def _on_sqlite(scale_name: str) -> int:
    """The scale's SQLite file, kept between runs: generated again only when missing or when
    its marker names another generator version or scale (generating takes the longest)."""
    db_path = DATA_DIR / f"bench-{scale_name}.sqlite3"
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    _setup(f"sqlite:///{db_path}")
    from django.core.management import call_command

    from . import data

    scale = _scale(scale_name)
    if scale is None:
        return 2
    started = time.perf_counter()
    if data.is_current(scale, db_path):
        call_command("migrate", interactive=False, verbosity=0)  # new tables since last time
        origin = f"reused {db_path}"
    else:
        data.discard(db_path)
        print(f"Generating scale {scale.name} into {db_path} (once)…", flush=True)
        origin = f"generated in {data.generate(scale, db_path):.1f}s into {db_path}"
    return _measure(scale, origin, started)


def _on_postgres(scale_name: str) -> int:
    """A database of the run's own on the PostgreSQL server, generated, measured and dropped
    whatever ends the run; ``database.Refused`` when the server does not answer, or will not
    create or drop it."""
    server = database.server_url()
    name = database.database_name(scale_name)
    where = database.shown(database.with_database(server, name))
    database.ping(server)
    _setup(database.with_database(server, name))
    from . import data

    scale = _scale(scale_name)
    if scale is None:
        return 2
    started = time.perf_counter()
    with database.created(server, name):
        try:
            print(f"Generating scale {scale.name} into {where} (dropped at the end)…", flush=True)
            spent = data.generate(scale, None)
            return _measure(scale, f"generated in {spent:.1f}s into {where}", started)
        except KeyboardInterrupt:
            print(f"Interrupted: dropping {where}.", flush=True)
            return 130


def _measure(scale, origin: str, started: float) -> int:
    """Every part (or those of ``BENCH_ONLY``) on the data set Django is connected to."""
    import django

    from . import measure

    print(
        f"Wavelength bench, scale {scale.name}: {scale.products} products, "
        f"{scale.features:,} features, {scale.releases} releases, "
        f"{scale.activities:,} activities, {scale.companies:,} companies, "
        f"{scale.feedback:,} feedback items ({origin})"
    )
    print(
        f"Python {platform.python_version()}, Django {django.get_version()}, "
        f"{database.version()}, {os.cpu_count()} CPU(s)"
    )
    from wavelength.core.startup import freeze_loaded

    freeze_loaded()  # as the server does once it has loaded (wsgi.py)
    runs = int(os.getenv("BENCH_RUNS", RUNS.get(scale.name, 20)))
    bench = measure.Bench(runs=runs, warmup=max(2, runs // 10))
    print(f"{runs} timed runs per measurement, after {bench.warmup} warm-up runs")
    failed = False
    only = {p.strip() for p in os.getenv("BENCH_ONLY", "").lower().split(",") if p.strip()}
    parts = {
        "catalog": lambda: _catalog(bench),
        "feedback": lambda: _feedback(bench),
        "processes": lambda: _processes(bench, scale.name),
        "knowledge": lambda: _knowledge(bench, scale.name),
        "quality": lambda: _quality(bench),
        "training": lambda: _training(bench),
        "research": lambda: _research(bench),
        "planning": lambda: _planning(bench, scale.name),
        "meetings": lambda: _meetings(bench, scale.name),
        "conversations": lambda: _conversations(bench),
        "insights": lambda: _insights(bench),
    }
    unknown = only - parts.keys()
    if unknown:
        print(
            f"BENCH_ONLY names unknown parts: {', '.join(sorted(unknown))}; "
            f"choose from {', '.join(parts)}."
        )
        return 2
    for name, run in parts.items():
        if not only or name in only:
            failed |= run()
    print(f"Done in {time.perf_counter() - started:.1f}s.")
    if measure.MISSED:
        print(f"Speed targets MISSED in this run ({len(measure.MISSED)}), not counted as failures:")
        for line in measure.MISSED:
            print(f"  MISSED {line}")
    else:
        print("Speed targets: all met in this run.")
    print("Correctness: FAILED (see the FAILED lines above)." if failed else "Correctness: OK.")
    return 1 if failed else 0


def _catalog(bench) -> bool:
    """The catalog's list API, feature page and board; returns True when one failed."""
    from . import measure

    failed = False
    for name in ("feature_list_api", "feature_page", "product_board"):
        try:
            result, check = getattr(bench, name)()
        except measure.BenchError as exc:
            print(f"FAILED {name}: {exc}", flush=True)
            failed = True
            continue
        print(result.line(), flush=True)
        print(check.line(), flush=True)
        failed |= not check.ok
    return failed


def _feedback(bench) -> bool:
    """The voice-of-the-customer measurements; returns True when one failed."""
    from . import measure
    from .feedback_measure import FeedbackBench

    fb = FeedbackBench(bench)
    try:
        result, check = fb.inbox()
        print(result.line(), flush=True)
        print(check.line(), flush=True)
        result, check2 = fb.prioritisation()
        print(result.line(), flush=True)
        print(check2.line(), flush=True)
        print(fb.demand().line(), flush=True)
        for line in fb.ingest():
            print(line, flush=True)
    except measure.BenchError as exc:
        print(f"FAILED feedback: {exc}", flush=True)
        return True
    return not (check.ok and check2.ok)


def _processes(bench, scale_name: str) -> bool:
    """Playbooks and runs: my steps, overdue steps, a run page, the release gate."""
    from . import measure
    from .processes_measure import ProcessesBench

    try:
        pb = ProcessesBench(bench, scale_name)
        print(f"{pb.runs:,} playbook runs", flush=True)
        checks = []
        for name in ("my_steps", "overdue", "run_page"):
            result, check = getattr(pb, name)()
            print(result.line(), flush=True)
            print(check.line(), flush=True)
            checks.append(check)
        print(pb.gate().line(), flush=True)
    except measure.BenchError as exc:
        print(f"FAILED processes: {exc}", flush=True)
        return True
    return not all(c.ok for c in checks)


def _training(bench) -> bool:
    """The completion report (the page, with its target, and the API) and "my learning";
    True when one failed."""
    from . import measure
    from .training_measure import TrainingBench

    try:
        tb = TrainingBench(bench)
        print(
            f"Training ({tb.size}): {tb.people:,} learners, {tb.courses} courses, "
            f"{tb.assignments:,} assignments",
            flush=True,
        )
        checks = []
        for name in ("report", "report_api", "my_learning"):
            found = getattr(tb, name)()
            result, check = found if isinstance(found, tuple) else (found, None)
            target = "" if name == "my_learning" else measure.speed_target(
                f"training.{name}",
                met=result.ratio <= 3,
                detail=f"{result.label}: ratio {result.ratio:.1f} (target ≤ 3)",
            )  # fmt: skip
            print(f"{result.line()}  {'target ratio <= 3: ' + target if target else ''}",
                  flush=True)  # fmt: skip
            if check:
                print(check.line(), flush=True)
                checks.append(check)
    except measure.BenchError as exc:
        print(f"FAILED training: {exc}", flush=True)
        return True
    return not all(c.ok for c in checks)


def _knowledge(bench, scale_name: str) -> bool:
    """Page search, the page view with backlinks and the long diff; True when one failed."""
    from . import knowledge_data, measure
    from .knowledge_measure import KnowledgeBench

    spent = knowledge_data.ensure(scale_name)
    pages = knowledge_data.PAGES[scale_name]
    versions = pages * knowledge_data.VERSIONS_PER_PAGE
    origin = f"generated in {spent:.1f}s" if spent else "reused"
    print(f"Knowledge: {pages:,} pages, {versions:,} versions ({origin})", flush=True)
    kb = KnowledgeBench(bench)
    try:
        for line in kb.search():
            print(line, flush=True)
        result, check = kb.page_view()
        print(result.line(), flush=True)
        print(check.line(), flush=True)
        print(kb.diff(), flush=True)
    except measure.BenchError as exc:
        print(f"FAILED knowledge: {exc}", flush=True)
        return True
    return not check.ok


def _quality(bench) -> bool:
    """Test management: the JUnit import, the run page and the release gate; returns True when
    one failed."""
    from . import measure
    from .quality_measure import QualityBench

    try:
        qa = QualityBench(bench)
        print(qa.junit_import(), flush=True)
        results, checks = qa.run_page()
        for line in results + checks:
            print(line.line(), flush=True)
        gate, gate_check = qa.gate()
        print(gate.line(), flush=True)
        print(gate_check.line(), flush=True)
    except measure.BenchError as exc:
        print(f"FAILED quality: {exc}", flush=True)
        return True
    return not (all(check.ok for check in checks) and gate_check.ok)


def _research(bench) -> bool:
    """Surveys: the results page of 100,000 responses; returns True when it failed."""
    from . import measure
    from .research_measure import ResearchBench

    try:
        result, check = ResearchBench(bench).results_page()
        print(result.line(), flush=True)
        print(check.line(), flush=True)
    except measure.BenchError as exc:
        print(f"FAILED research: {exc}", flush=True)
        return True
    return not check.ok


def _planning(bench, scale_name: str) -> bool:
    """The roadmap timeline: the data it shows (the target), then the page and the API;
    returns True when one failed."""
    from . import measure
    from .planning_measure import PlanningBench

    try:
        pb = PlanningBench(bench, scale_name)
        added = f", {pb.added:,} features added now" if pb.added else ""
        print(f"Planning ({pb.size}): {pb.features:,} features, {pb.releases:,} releases, "
              f"{pb.open_releases:,} open, {pb.objectives:,} objectives{added}")  # fmt: skip
        result, check = pb.data()
        print(f"{result.line()}  target ratio <= 3: {pb.verdict(result)}", flush=True)
        print(check.line(), flush=True)
        page, page_check = pb.page()
        print(page.line(), flush=True)
        print(page_check.line(), flush=True)
        print(pb.api().line(), flush=True)
    except measure.BenchError as exc:
        print(f"FAILED planning: {exc}", flush=True)
        return True
    return not (check.ok and page_check.ok)


def _meetings(bench, scale_name: str) -> bool:
    """Generating a meeting's agenda from live data; returns True when it failed."""
    from . import measure
    from .meetings_measure import MeetingsBench

    try:
        mb = MeetingsBench(bench, scale_name)
        feedback, changes = mb.added
        if feedback:
            print(f"Meetings ({mb.size}): added {feedback:,} feedback items and {changes:,} "
                  "stage changes in the last two weeks", flush=True)  # fmt: skip
        result, check = mb.generate()
        print(f"{result.line()}  target ratio <= 3: {mb.verdict(result)}", flush=True)
        print(check.line(), flush=True)
    except measure.BenchError as exc:
        print(f"FAILED meetings: {exc}", flush=True)
        return True
    return not check.ok


def _conversations(bench) -> bool:
    """A comment's fan-out to 10 and 1,000 followers, and webhook deliveries per second;
    returns True when one failed."""
    from . import measure
    from .conversations_measure import ConversationsBench

    try:
        cb = ConversationsBench(bench)
        lines, check = cb.fan_out()
        for line in lines:
            print(line, flush=True)
        print(check.line(), flush=True)
        print(cb.webhook_throughput(), flush=True)
    except measure.BenchError as exc:
        print(f"FAILED conversations: {exc}", flush=True)
        return True
    return not check.ok


def _insights(bench) -> bool:
    """The decision dashboard: its figures, the page and the API; returns True when one
    failed."""
    from . import measure
    from .insights_measure import InsightsBench

    try:
        ib = InsightsBench(bench)
        print(f"Insights: {ib.feedback:,} feedback items in the year, "
              f"{len(ib.statements)} aggregate queries; summaries counted in "
              f"{ib.summaries_s:.1f}s")  # fmt: skip
        data = ib.data()
        print(f"{data.line()}  target ratio <= 3: {ib.verdict(data)}", flush=True)
        result, check = ib.page()
        print(f"{result.line()}  target ratio <= 3: {ib.verdict(result)}", flush=True)
        print(check.line(), flush=True)
        api = ib.api()
        print(f"{api.line()}  target ratio <= 3: {ib.verdict(api)}", flush=True)
    except measure.BenchError as exc:
        print(f"FAILED insights: {exc}", flush=True)
        return True
    return not check.ok


if __name__ == "__main__":
    sys.exit(main())
