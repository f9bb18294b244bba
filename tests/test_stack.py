"""Wavelength as it runs in production, end to end: ``wavelength serve`` (two server processes),
``wavelength worker`` and ``wavelength beat`` as separate processes on PostgreSQL and Redis.

The tests start the real processes against a PostgreSQL database they create and drop, and a
Redis database (number 14) they empty before and after, and drive them through the API:

- ``make stack``'s launcher creates the database, migrates, starts the three and stops all
  three on Ctrl+C;
- a CSV import sent to the API is done, triage included, by the worker;
- a mention in a comment is e-mailed by the worker;
- beat fires a periodic job that the worker runs;
- a rate limit counts the requests of both server processes, in Redis;
- a worker killed in the middle of a long job, then restarted, does the job once; a worker
  process killed in the middle of one has it done again, once.

Everything is polled with generous limits; nothing is timed. Without PostgreSQL or Redis on this
machine the tests are skipped, naming the server that is missing.
"""

import email
import email.policy
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from wavelength import stack as launcher

pytestmark = pytest.mark.stack

REDIS_URL = "redis://127.0.0.1:6379/14"  # a database number nothing else on the machine uses
LIMIT = 180  # seconds to wait for anything: a busy machine is slow, a broken stack never gets there
VISIBILITY_TIMEOUT = 5  # seconds before Redis gives a job a killed worker took to another one
REPORT_TESTS = 4000  # a JUnit report whose job lasts several seconds


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_url() -> str:
    """The PostgreSQL server the tests' suite runs on, or this machine's."""
    url = os.environ.get("DATABASE_URL", "")
    postgres = url.startswith(("postgres://", "postgresql://"))
    return url if postgres else launcher.DEFAULT_DATABASE_URL


def _on_server(url: str, name: str) -> str:
    return f"{url.rsplit('/', 1)[0]}/{name}"


def _query(url: str, sql: str, params=()) -> list[tuple]:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        cursor = connection.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


def _redis():
    import redis

    return redis.Redis.from_url(REDIS_URL)


def _group_alive(pid: int) -> bool:
    try:
        os.killpg(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (gunicorn's or Celery's worker processes)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rpartition(")")[2].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _written(pid: int) -> int:
    """Bytes the process has written so far (its answers and its log lines)."""
    for line in Path(f"/proc/{pid}/io").read_text().splitlines():
        if line.startswith("wchar:"):
            return int(line.split()[1])
    return 0


@dataclass
class Process:
    name: str
    args: list[str]
    log: Path
    popen: subprocess.Popen = None

    def text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


@dataclass
class Stack:
    """The running processes, their logs, and the API as the administrator's token sees it."""

    url: str
    database: str
    data_dir: Path
    env: dict[str, str]
    processes: dict[str, Process] = field(default_factory=dict)
    killed: list[Process] = field(default_factory=list)  # kept for their logs
    token: str = ""

    def start(self, name: str, args: list[str], **env: str) -> Process:
        log = self.data_dir / f"{name}-{len(self.killed) + 1}.log"
        with open(log, "wb") as output:
            popen = launcher.start(args, {**self.env, **env}, output)
        process = Process(name, args, log, popen)
        self.processes[name] = process
        return process

    def logs(self) -> str:
        return "\n".join(
            f"--- {p.name} ({p.log.name}) ---\n" + "\n".join(p.text().splitlines()[-40:])
            for p in [*self.killed, *self.processes.values()]
        )

    def until(self, what: str, check, *, every: float = 0.25, limit: float = LIMIT):
        """Poll ``check`` until it answers something true; fail with the logs when it never
        does within ``limit`` seconds, or when a process stops."""
        deadline = time.monotonic() + limit
        while True:
            value = check()
            if value:
                return value
            stopped = [p.name for p in self.processes.values() if p.popen.poll() is not None]
            if stopped or time.monotonic() > deadline:
                why = f"{', '.join(stopped)} stopped" if stopped else f"not within {limit} s"
                pytest.fail(f"Waiting for {what}: {why}.\n{self.logs()}")
            time.sleep(every)

    def call(self, method: str, path: str, payload=None, *, body: bytes | None = None,
             content_type: str = "application/json", auth: bool = True):  # fmt: skip
        """``(status, decoded JSON or text)`` of one API call."""
        if payload is not None:
            body = json.dumps(payload).encode()
        request = urllib.request.Request(self.url + path, data=body, method=method)
        if body is not None:
            request.add_header("Content-Type", content_type)
        if auth:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:
                status, raw = answer.status, answer.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        try:
            return status, json.loads(raw)
        except ValueError:
            return status, raw.decode(errors="replace")

    def ok(self, method: str, path: str, payload=None, **kwargs):
        status, answer = self.call(method, path, payload, **kwargs)
        assert 200 <= status < 300, (method, path, status, answer)
        return answer

    def query(self, sql: str, params=()) -> list[tuple]:
        return _query(self.database, sql, params)


# The servers, the database, the launcher -----------------------------------------------------


@pytest.fixture(scope="module")
def stack_database():
    """A new database on the PostgreSQL server, dropped at the end, and Redis database 14,
    emptied before and after; skipped, naming the server, when one does not answer."""
    server = _server_url()
    problems = [launcher.postgres_problem(server), launcher.redis_problem(REDIS_URL)]
    if any(problems):
        pytest.skip(" ".join(p for p in problems if p))
    url = _on_server(server, f"wavelength_stack_{os.getpid()}_{int(time.time())}")
    _redis().flushdb()
    yield url
    name = url.rsplit("/", 1)[1]
    _query(_on_server(server, "postgres"), f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _redis().flushdb()


@dataclass
class Launch:
    data_dir: Path
    returncode: int
    output: str
    pids: dict[str, int]
    left_running: list[str]


@pytest.fixture(scope="module")
def launched(stack_database, tmp_path_factory):
    """``make stack``'s launcher run once as a person would: it creates the database, migrates
    and starts serve, worker and beat; once all three are ready, Ctrl+C (SIGINT) stops it."""
    data_dir = tmp_path_factory.mktemp("stack")
    log = data_dir / "launcher.log"
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": stack_database, "REDIS_URL": REDIS_URL, "PORT": str(port),
           "WAVELENGTH_DATA_DIR": str(data_dir)}  # fmt: skip
    for name in ("CELERY_BROKER_URL", "CACHE_URL", "DJANGO_SETTINGS_MODULE"):
        env.pop(name, None)
    with open(log, "wb") as output:
        process = subprocess.Popen([sys.executable, "-m", "wavelength.stack"], env=env,
                                   stdout=output, stderr=subprocess.STDOUT,
                                   start_new_session=True)  # fmt: skip
    pids: dict[str, int] = {}
    left: list[str] = []
    try:
        ready = {
            "serve": re.compile(r"^serve +\| .*Listening at", re.M),
            "worker": re.compile(r"^worker +\| .*ready\.", re.M),
            "beat": re.compile(r"^beat +\| .*beat: Starting", re.M),
        }
        deadline = time.monotonic() + LIMIT * 2  # the migrations come first
        while process.poll() is None and time.monotonic() < deadline:
            text = log.read_text(errors="replace")
            started = re.findall(r"wavelength (\w+) started \(pid (\d+)\)", text)
            pids = {name: int(pid) for name, pid in started}
            if all(p.search(text) for p in ready.values()):
                break
            time.sleep(0.5)
        process.send_signal(signal.SIGINT)
        returncode = process.wait(timeout=LIMIT)
        left = [name for name, pid in pids.items() if _group_alive(pid)]
    finally:
        if process.poll() is None:
            launcher.stop([process], seconds=5)
        for pid in pids.values():  # whatever the launcher left behind, if anything
            if _group_alive(pid):
                os.killpg(pid, signal.SIGKILL)
    return Launch(data_dir, returncode, log.read_text(errors="replace"), pids, left)


@pytest.fixture(scope="module")
def stack(stack_database, launched, tmp_path_factory):
    """serve (two server processes), worker and beat on the migrated database, each with
    REDIS_URL only (the broker and the cache follow it), each writing e-mail to a folder of its
    own; beat runs the audit log's retention every 3 seconds."""
    data_dir = tmp_path_factory.mktemp("stack-run")
    env = {**os.environ, "DATABASE_URL": stack_database, "REDIS_URL": REDIS_URL,
           "WAVELENGTH_DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1",
           "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT)}  # fmt: skip
    for name in ("CELERY_BROKER_URL", "CACHE_URL", "DJANGO_SETTINGS_MODULE", "EMAIL_BACKEND"):
        env.pop(name, None)
    port = _free_port()
    running = Stack(f"http://127.0.0.1:{port}", stack_database, data_dir, env)
    setup = (
        "from wavelength.accounts.services import token_create, user_create; "
        "admin = user_create(actor=None, email='ada@example.com', password=None, name='Ada', "
        "role='admin'); "
        "user_create(actor=None, email='reader@example.com', password=None, name='Reader', "
        "role='editor'); "
        "print(token_create(actor=None, user=admin, name='Stack test')[1])"
    )
    done = subprocess.run([sys.executable, "-m", "wavelength.cli", "shell", "-c", setup],
                          env=env, capture_output=True, text=True, timeout=LIMIT)  # fmt: skip
    assert done.returncode == 0, done.stderr
    running.token = done.stdout.strip().splitlines()[-1]
    try:
        running.start("serve", ["serve", "--no-migrate", "--port", str(port), "--workers", "2"],
                      EMAIL_FILE_PATH=str(data_dir / "mail-serve"))  # fmt: skip
        running.start("worker", ["worker", "--concurrency", "2"],
                      EMAIL_FILE_PATH=str(data_dir / "mail-worker"))  # fmt: skip
        running.start("beat", ["beat"], BEAT_INTERVALS="audit-retention=3")
        _wait_ready(running)
        yield running
    finally:
        launcher.stop([p.popen for p in running.processes.values()], seconds=10)


def _wait_ready(running: Stack) -> None:
    running.until("the server to answer", lambda: _answers(running.url + "/accounts/login/"))
    running.until("the worker to be ready", lambda: "ready." in running.processes["worker"].text())
    running.until("beat to start", lambda: "beat: Starting" in running.processes["beat"].text())


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status == 200
    except OSError:
        return False


def _ended(job: dict) -> bool:
    return job["status"] in {"done", "failed"}


def _job_when(stack: Stack, path: str, what: str, ready, **poll) -> dict:
    """A background job's state, read from the API at ``path``, once ``ready`` says so."""

    def check():
        job = stack.ok("GET", path)
        return job if ready(job) else None

    return stack.until(what, check, **poll)


# make stack ---------------------------------------------------------------------------------


def test_make_stack_creates_the_database_runs_the_three_processes_and_ctrl_c_stops_them(
    launched,
):
    output = launched.output
    assert "==> Database" in output and ": created" in output, output
    assert set(launched.pids) == {"serve", "worker", "beat"}, output
    assert "Serving Wavelength on http://127.0.0.1:" in output
    assert f"db -> {launched.data_dir / 'celerybeat-schedule'}" in output  # beat's, kept there
    assert "Stopping serve, worker and beat" in output
    assert launched.returncode == 0, output
    assert launched.left_running == [], output


# The worker does the work -------------------------------------------------------------------


def _multipart(file_name: str, data: bytes, **fields: str) -> tuple[bytes, str]:
    """A form with one file (``file``) and text ``fields``, and its content type."""
    boundary = uuid.uuid4().hex
    parts = [f'Content-Disposition: form-data; name="{name}"\r\n\r\n{value}'.encode()
             for name, value in fields.items()]  # fmt: skip
    parts.append(f'Content-Disposition: form-data; name="file"; filename="{file_name}"\r\n'
                 "Content-Type: text/csv\r\n\r\n".encode() + data)  # fmt: skip
    body = b"".join(f"--{boundary}\r\n".encode() + part + b"\r\n" for part in parts)
    return body + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def test_a_feedback_import_through_the_api_is_done_and_triaged_by_the_worker(stack):
    rows = [
        ("csv-1", "Export crashes", "The CSV export crashes every time I open it. Terrible."),
        ("csv-2", "Dark mode", "Please add a dark mode, I would love that for late evenings."),
        ("csv-3", "Slow search", "Search is slow and frustrating on large workspaces."),
    ]
    data = "external_id,title,text\n" + "".join(f'{a},{b},"{c}"\n' for a, b, c in rows)
    mapping = json.dumps({"external_id": "external_id", "title": "title", "text": "text"})
    body, content_type = _multipart("tickets.csv", data.encode(), mapping=mapping)

    job = stack.ok("POST", "/api/v1/feedback/imports", body=body, content_type=content_type)

    # The web process only queued it: with a broker nothing runs in the request.
    assert (job["status"], job["created"]) == ("queued", 0), job
    done = _job_when(stack, f"/api/v1/feedback/imports/{job['id']}", "the import to end", _ended)
    assert (done["status"], done["created"]) == ("done", 3), done
    items = stack.ok("GET", "/api/v1/feedback?source=csv&limit=50")["items"]
    assert sorted(i["title"] for i in items) == sorted(r[1] for r in rows)
    for item in items:  # the triage engine chose them (a person's choice has no confidence)
        assert item["type"] and item["sentiment"] and item["type_confidence"] is not None, item
    # The job writes "done" before it returns; the worker logs its success just after.
    succeeded = re.compile(r"Task wavelength\.integrations\.run_import\[[\w-]+\] succeeded")
    stack.until(
        "the worker to log the import's success",
        lambda: succeeded.search(stack.processes["worker"].text()),
    )
    assert "run_import" not in stack.processes["serve"].text()


def test_a_mention_is_e_mailed_by_the_worker(stack):
    item = stack.ok("POST", "/api/v1/feedback", {"title": "Calendar sync", "text": "Sync with "
                    "our calendar would save us an hour a week."})  # fmt: skip

    comment = stack.ok("POST", "/api/v1/comments", {
        "kind": "feedback", "object_id": item["id"], "body": "@reader could you call them?",
    })  # fmt: skip

    assert not comment.get("warnings"), comment
    message = stack.until("the worker to e-mail the mention", lambda: _mail_to(
        stack.data_dir / "mail-worker", "reader@example.com"))  # fmt: skip
    assert "Ada mentioned you" in message["Subject"], message
    assert "Calendar sync" in message["Subject"], message
    assert not (stack.data_dir / "mail-serve").exists()


def _mail_to(folder: Path, address: str):
    """The first message to ``address`` that Django's file backend wrote into ``folder``."""
    for path in sorted(folder.glob("*.log")):
        for text in path.read_text(errors="replace").split("\n" + "-" * 79 + "\n"):
            message = email.message_from_string(text, policy=email.policy.default)
            if address in str(message["To"]):
                return message
    return None


def test_beat_fires_a_periodic_job_that_the_worker_runs(stack):
    old = stack.query(
        "INSERT INTO accounts_auditevent (at, kind, actor_email, target, detail) VALUES "
        "(now() - interval '400 days', 'token_created', 'old@example.com', 'stack', '{}') "
        "RETURNING id"
    )[0][0]

    # audit-retention (every 3 s here, daily by default) forgets events older than a year.
    stack.until(
        "beat's audit-retention job to forget the old event",
        lambda: not stack.query("SELECT 1 FROM accounts_auditevent WHERE id = %s", [old]),
    )
    assert stack.query("SELECT count(*) FROM accounts_auditevent")[0][0] > 0  # the recent ones
    assert "Sending due task audit-retention" in stack.processes["beat"].text()
    assert "wavelength.accounts.purge_audit_events" in stack.processes["worker"].text()


def test_a_rate_limit_counts_the_requests_of_both_server_processes_in_redis(stack):
    survey = stack.ok("POST", "/api/v1/research/surveys", {"title": "Stack", "status": "open"})
    question = stack.ok("POST", f"/api/v1/research/surveys/{survey['id']}/questions",
                        {"kind": "nps", "text": "Would you recommend us?"})  # fmt: skip
    answer = {"answers": [{"question": question["id"], "value": 9}]}
    path = f"/api/v1/research/public/{survey['public_token']}/responses"
    master = stack.processes["serve"].popen.pid
    servers = _children(master)
    assert len(servers) == 2, servers
    before = {pid: _written(pid) for pid in servers}
    statuses: list[int] = []

    def respond():
        for _ in range(5):
            statuses.append(stack.call("POST", path, answer, auth=False)[0])

    threads = [threading.Thread(target=respond) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # 10 answers a minute from one address, counted across both processes: 10 accepted.
    assert sorted(statuses) == [201] * 10 + [429] * 10, statuses
    assert all(_written(pid) > before[pid] for pid in servers), "one process answered all"
    keys = _redis().keys("wavelength:*research:rl:respond:*")
    assert [int(_redis().get(k)) for k in keys] == [20], keys


# A worker lost in the middle of a job --------------------------------------------------------


def _report(tests: int) -> bytes:
    cases = "".join(
        f'<testcase classname="stack.Module{i % 40}" name="test_{i}" time="0.01"/>'
        for i in range(tests)
    )
    suite = f'<testsuite name="stack" tests="{tests}">{cases}</testsuite>'
    return f'<?xml version="1.0"?>{suite}'.encode()


def _send_report(stack: Stack, build: str) -> dict:
    product = stack.ok("POST", "/api/v1/products", {"name": f"Orbit {build}"})
    release = stack.ok("POST", "/api/v1/releases", {"product": product["id"], "version": "1.0"})
    return stack.ok(
        "POST",
        f"/api/v1/quality/junit?release={release['id']}&build={build}&background=true",
        body=_report(REPORT_TESTS),
        content_type="application/xml",
    )


def _when_running(stack: Stack, job: dict) -> dict:
    """The job once a worker has read its report and is writing the run."""
    return _job_when(stack, f"/api/v1/quality/junit/imports/{job['id']}",
                     "a worker to start the JUnit job",
                     lambda j: j["status"] == "running" and j["total"] > 0, every=0.05)  # fmt: skip


def _done_once(stack: Stack, job: dict, build: str) -> None:
    done = _job_when(stack, f"/api/v1/quality/junit/imports/{job['id']}",
                     "the JUnit job to end", _ended)  # fmt: skip
    assert done["status"] == "done" and done["run"], done
    runs = stack.query("SELECT id FROM quality_testrun WHERE build = %s", [build])
    assert runs == [(done["run"],)]  # one run: written once, never twice
    results = stack.query("SELECT count(*) FROM quality_testresult WHERE run_id = %s", runs[0])
    assert results == [(REPORT_TESTS,)]


def _job_lines(stack: Stack, what: str) -> int:
    pattern = re.compile(rf"Task wavelength\.quality\.junit_import\[[\w-]+\] {what}")
    workers = [*stack.killed, stack.processes["worker"]]
    return sum(len(pattern.findall(p.text())) for p in workers)


def test_a_worker_killed_in_the_middle_of_a_job_does_it_once_when_it_is_restarted(stack):
    build = "killed-worker"
    job = _send_report(stack, build)
    running = _when_running(stack, job)
    taken = time.monotonic()

    worker = stack.processes.pop("worker")
    os.killpg(worker.popen.pid, signal.SIGKILL)  # the worker and its processes, at once
    worker.popen.wait()
    stack.killed.append(worker)

    # Nothing of the job was kept: it is written in one transaction, which died with it.
    assert stack.query("SELECT 1 FROM quality_testrun WHERE build = %s", [build]) == []
    assert stack.ok("GET", f"/api/v1/quality/junit/imports/{job['id']}")["run"] is None, running
    # Redis gives the job back once it has been out for the visibility timeout; the new
    # worker looks for such jobs as it starts.
    time.sleep(max(0.0, taken + VISIBILITY_TIMEOUT + 1 - time.monotonic()))
    stack.start("worker", ["worker", "--concurrency", "2"],
                EMAIL_FILE_PATH=str(stack.data_dir / "mail-worker"))  # fmt: skip

    _done_once(stack, job, build)
    assert _job_lines(stack, "received") >= 2 and _job_lines(stack, "succeeded") == 1


def test_a_job_whose_worker_process_dies_is_done_again_once(stack):
    build = "killed-process"
    job = _send_report(stack, build)
    _when_running(stack, job)
    succeeded = _job_lines(stack, "succeeded")

    worker = stack.processes["worker"].popen.pid
    for pid in _children(worker):  # the processes that run jobs; the worker lives on
        os.kill(pid, signal.SIGKILL)

    _done_once(stack, job, build)
    assert _job_lines(stack, "succeeded") == succeeded + 1
    assert "WorkerLostError" in stack.processes["worker"].text()
