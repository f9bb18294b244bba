"""Measurements of playbooks and runs: my steps, overdue steps, a run page, the release gate.

The runs are added to the data set in bulk the first time (``RUNS_BY_SCALE``, or
``BENCH_PROCESSES_RUNS``), topping up what is there, so the data of the other apps is kept.
"""

import datetime as dt
import os
import random

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.urls import reverse

from wavelength.accounts.models import User
from wavelength.catalog import gates
from wavelength.catalog.models import Release
from wavelength.processes import selectors
from wavelength.processes.models import Playbook, ReleaseRequirement, Run, RunStep
from wavelength.processes.services import StepSpec, playbook_create

from .data import ADMIN_EMAIL
from .measure import Bench, BenchError, Check, Result

RUNS_BY_SCALE = {"S": 500, "M": 5_000}
BATCH = 5_000


def _steps(n: int) -> list[StepSpec]:
    return [
        StepSpec(
            title=f"Step {i + 1}",
            owner_kind="starter",
            due_offset_days=2 * i,
            depends_on=[i] if i else [],
        )
        for i in range(n)
    ]


def ensure_runs(scale_name: str, *, seed: int = 42) -> int:
    """Add the bench playbooks and runs unless they are there; returns the number of runs."""
    wanted = int(os.getenv("BENCH_PROCESSES_RUNS") or RUNS_BY_SCALE.get(scale_name, 500))
    have = Run.objects.filter(playbook__slug__startswith="bench-").count()
    if have >= wanted:
        return Run.objects.count()
    rng = random.Random(seed + have)
    admin = User.objects.get(email=ADMIN_EMAIL)
    people = list(User.objects.filter(is_active=True).order_by("pk"))
    releases = list(Release.objects.order_by("pk"))
    release_type = ContentType.objects.get_for_model(Release)
    today = dt.date.today()
    with transaction.atomic():
        playbooks = list(Playbook.objects.filter(slug__startswith="bench-").order_by("slug"))
        if not playbooks:
            playbooks = [
                playbook_create(actor=admin, name="Bench launch", steps=_steps(5)),
                playbook_create(actor=admin, name="Bench readiness", steps=_steps(7)),
            ]
        templates = {p.pk: list(p.current_version.steps.order_by("position")) for p in playbooks}
        runs = []
        for n in range(have, wanted):
            playbook = playbooks[n % 2]
            release = releases[n % len(releases)] if releases else None
            runs.append(
                Run(
                    playbook=playbook,
                    version=playbook.current_version,
                    title=f"{playbook.name}: {release or n}",
                    target_type=release_type if release else None,
                    target_id=release.pk if release else None,
                    target_repr=str(release or ""),
                    started_by=admin,
                    started_on=today - dt.timedelta(days=rng.randint(0, 60)),
                )
            )
        Run.objects.bulk_create(runs, batch_size=BATCH)
        steps = []
        for run in runs:
            done = rng.randint(0, len(templates[run.playbook_id]))
            for template in templates[run.playbook_id]:
                # About one step in four is the admin's, so "my steps" has pages to turn.
                assignee = admin if rng.random() < 0.25 else rng.choice(people)
                finished = template.position <= done
                steps.append(
                    RunStep(
                        run=run,
                        step=template,
                        position=template.position,
                        title=template.title,
                        due_on=run.started_on + dt.timedelta(days=template.due_offset_days),
                        assignee=assignee,
                        status="done" if finished else "open",
                        completed_by=assignee if finished else None,
                    )
                )
        RunStep.objects.bulk_create(steps, batch_size=BATCH)
        open_runs = RunStep.objects.filter(run__in=runs).exclude(status="done").values("run_id")
        Run.objects.filter(pk__in=[r.pk for r in runs]).exclude(pk__in=open_runs).update(
            status="completed"
        )
    return Run.objects.count()


class ProcessesBench:
    def __init__(self, bench: Bench, scale_name: str):
        self.bench = bench
        self.runs = ensure_runs(scale_name)
        self.admin = User.objects.get(email=ADMIN_EMAIL)

    def _list(self, key, label, url_name, qs, marker) -> tuple[Result, Check]:
        b = self.bench
        count_sql, count_params = qs.order_by().values("pk").query.sql_with_params()
        page_sql, page_params = qs[:50].query.sql_with_params()
        total = qs.count()

        def url(page: int = 1) -> str:
            return reverse(url_name) + f"?page={page}"

        def expect(response):
            if response.status_code != 200 or marker not in response.content:
                raise BenchError(f"GET {url()} does not show its steps.")

        def bare():
            with connection.cursor() as cursor:  # the statements the ORM sends for the page
                cursor.execute(f"SELECT COUNT(*) FROM ({count_sql}) x", count_params)
                cursor.fetchall()
                cursor.execute(page_sql, page_params)
                return cursor.fetchall()

        result = b.measure(key, f"{label} ({total:,} steps)", url(), expect, bare)
        check = Check(label, {"page 1": result.queries, "page 3": b.queries(url(3))}, tolerance=0)
        return result, check

    def my_steps(self) -> tuple[Result, Check]:
        qs = selectors.my_steps(user=self.admin)
        return self._list("page.mysteps", "GET /steps/mine/", "processes:my-steps", qs, b"<table")

    def overdue(self) -> tuple[Result, Check]:
        qs = selectors.overdue_steps(user=self.admin)
        return self._list(
            "page.overdue", "GET /steps/overdue/", "processes:overdue-steps", qs, b"<table"
        )

    def run_page(self) -> tuple[Result, Check]:
        b = self.bench
        runs = list(Run.objects.order_by("pk").values_list("pk", flat=True)[:2])
        run = selectors.run_get(user=self.admin, pk=runs[0])
        run_sql, run_params = (
            selectors.run_list(user=self.admin).filter(pk=run.pk).query.sql_with_params()
        )
        steps_qs = selectors._steps().filter(run=run).order_by("position")
        steps_sql, steps_params = steps_qs.query.sql_with_params()

        def expect(response):
            if b"run-percent" not in response.content:
                raise BenchError("The run page does not show its progress.")

        def bare():
            with connection.cursor() as cursor:
                cursor.execute(run_sql, run_params)
                cursor.fetchall()
                cursor.execute(steps_sql, steps_params)
                return cursor.fetchall()

        url = reverse("processes:run-detail", args=[run.pk])
        result = b.measure(
            "page.run", f"GET /runs/<id>/ ({run.step_total} steps)", url, expect, bare
        )
        other = reverse("processes:run-detail", args=[runs[1]])
        check = Check("run page", {"run 1": result.queries, "run 2": b.queries(other)}, tolerance=2)
        return result, check

    def gate(self) -> Result:
        release = (
            Release.objects.exclude(status="released").order_by("pk").first()
            or Release.objects.order_by("pk").first()
        )
        for playbook in Playbook.objects.filter(slug__startswith="bench-"):
            ReleaseRequirement.objects.get_or_create(release=release, playbook=playbook)
        release_type = ContentType.objects.get_for_model(Release).pk
        n_runs = Run.objects.filter(target_type_id=release_type, target_id=release.pk).count()

        def full():
            gates.evaluate(release)

        def bare():
            required = self.bench.sql(
                f"SELECT r.playbook_id, p.name FROM {ReleaseRequirement._meta.db_table} r "
                f"JOIN {Playbook._meta.db_table} p ON p.id = r.playbook_id WHERE r.release_id = %s",
                [release.pk],
            )
            ids = [row[0] for row in required]
            self.bench.sql(
                "SELECT playbook_id, SUM(CASE WHEN status = 'completed' THEN 1 ELSE 0 END), "
                f"MAX(id) FROM {Run._meta.db_table} WHERE target_type_id = %s AND target_id = %s "
                f"AND playbook_id IN ({', '.join(['%s'] * len(ids))}) AND status <> 'cancelled' "
                "GROUP BY playbook_id",
                [release_type, release.pk, *ids],
            )

        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            full()
        label = f"gates.evaluate(release), {n_runs} runs for it"
        return Result(
            "gate.release", label, *self.bench.paired(full, bare),
            len(ctx.captured_queries),
        )  # fmt: skip
