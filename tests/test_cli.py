"""The ``wavelength`` command line: serve, worker, beat, token, createuser, demo, reindex."""

import http.client
import io
import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from wavelength.accounts.models import ApiToken, Membership, Role, User
from wavelength.accounts.services import token_authenticate, token_create
from wavelength.celery import app as celery_app
from wavelength.core.management.commands import serve
from wavelength.core.models import Activity


@pytest.fixture(autouse=True)
def _english():
    """Commands speak the active language; a page test may have left French active."""
    with translation.override("en"):
        yield


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


# token ------------------------------------------------------------------------------------


def test_token_create_prints_the_token_last_and_it_authenticates(admin):
    output = run("token", "create", "--email", "ALICE@example.com", "--name", "CI")

    raw = output.strip().splitlines()[-1]
    assert token_authenticate(raw) == admin
    assert ApiToken.objects.get(user=admin).name == "CI"
    assert raw not in "".join(ApiToken.objects.values_list("key_hash", flat=True))


def test_token_create_for_unknown_email_fails_and_writes_nothing(db):
    with pytest.raises(CommandError, match="nobody@example.com") as error:
        run("token", "create", "--email", "nobody@example.com")

    assert error.value.returncode == 1
    assert not ApiToken.objects.exists()
    assert not Activity.objects.exists()


def test_token_list_shows_prefix_and_state_never_the_secret(admin):
    token, raw = token_create(actor=admin, user=admin, name="laptop")

    output = run("token", "list", "--email", admin.email)

    assert "laptop" in output and token.prefix in output and "active" in output
    assert raw not in output


def test_token_revoke_stops_the_token_working(admin):
    token, raw = token_create(actor=admin, user=admin, name="laptop")

    output = run("token", "revoke", "--id", str(token.pk))

    assert "Revoked" in output
    assert token_authenticate(raw) is None
    assert Activity.objects.filter(verb="token_revoked", actor=None).exists()


def test_token_revoke_unknown_id_fails(db):
    with pytest.raises(CommandError, match="No API token with id 42"):
        run("token", "revoke", "--id", "42")


# createuser -------------------------------------------------------------------------------


def test_createuser_creates_a_person_who_can_sign_in(db, product_team):
    output = run(
        "createuser", "--email", "Eve@Example.com", "--role", "editor", "--name", "Eve Editor",
        "--password", "a-long-enough-passphrase", "--team", "product",
    )  # fmt: skip

    user = User.objects.get(email="eve@example.com")
    assert user.role == Role.EDITOR and user.name == "Eve Editor"
    assert user.check_password("a-long-enough-passphrase")
    assert Membership.objects.filter(user=user, team=product_team).exists()
    assert "eve@example.com" in output


def test_createuser_without_password_cannot_sign_in_with_one(db):
    output = run("createuser", "--email", "x@example.com", "--role", "viewer", "--no-input")

    assert not User.objects.get(email="x@example.com").has_usable_password()
    assert "No password set" in output


def test_createuser_rejects_an_unknown_role(db):
    with pytest.raises(CommandError, match="role"):
        run("createuser", "--email", "x@example.com", "--role", "owner", "--no-input")
    assert not User.objects.exists()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--email", "alice@example.com"], "already exists"),
        (["--email", "x@example.com", "--password", "short"], "too short"),
        (["--email", "x@example.com", "--team", "nope"], "No team with slug nope"),
    ],
)
def test_createuser_refuses_bad_input_and_writes_nothing(admin, extra, message):
    with pytest.raises(CommandError, match=message):
        run("createuser", "--role", "editor", "--no-input", *extra)
    assert list(User.objects.all()) == [admin]


# worker -----------------------------------------------------------------------------------


def test_worker_without_a_broker_exits_with_a_clear_message(settings):
    settings.CELERY_BROKER_URL = ""

    with pytest.raises(CommandError, match="CELERY_BROKER_URL is not set") as error:
        run("worker", "--concurrency", "2")

    assert error.value.returncode == 1


def test_worker_hands_extra_options_to_celery(settings, monkeypatch):
    settings.CELERY_BROKER_URL = "redis://localhost:6379/0"
    calls = []
    monkeypatch.setattr(celery_app, "worker_main", calls.append)

    run("worker", "--concurrency", "4", "-Q", "default,mail", "--loglevel=WARNING")

    assert calls == [["worker", "--concurrency", "4", "-Q", "default,mail", "--loglevel=WARNING"]]


def test_worker_from_the_shell_exits_non_zero_without_a_broker(tmp_path):
    env = {**os.environ, "WAVELENGTH_DATA_DIR": str(tmp_path), "CELERY_BROKER_URL": ""}
    done = subprocess.run(
        [sys.executable, "-m", "wavelength.cli", "worker"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 1
    assert "CELERY_BROKER_URL is not set" in done.stderr


# beat -------------------------------------------------------------------------------------


def test_beat_without_a_broker_exits_with_a_clear_message(settings, monkeypatch):
    settings.CELERY_BROKER_URL = ""
    monkeypatch.setattr(celery_app, "start", lambda argv: pytest.fail("beat started"))

    with pytest.raises(CommandError, match="no queue to hand periodic jobs to") as error:
        run("beat")

    assert error.value.returncode == 1
    assert "CELERY_BROKER_URL or REDIS_URL" in str(error.value)


def test_beat_runs_every_periodic_job_with_its_schedule_file_in_the_data_directory(
    settings, monkeypatch
):
    settings.CELERY_BROKER_URL = "redis://localhost:6379/0"
    calls = []
    monkeypatch.setattr(celery_app, "start", calls.append)

    run("beat", "--max-interval", "30")

    assert calls == [["beat", "--max-interval", "30", "--loglevel=INFO"]]
    assert celery_app.conf.beat_schedule == settings.CELERY_BEAT_SCHEDULE
    assert celery_app.conf.beat_schedule_filename == str(settings.DATA_DIR / "celerybeat-schedule")


def test_beat_from_the_shell_exits_non_zero_without_a_broker(tmp_path):
    env = {**os.environ, "WAVELENGTH_DATA_DIR": str(tmp_path), "CELERY_BROKER_URL": ""}
    env.pop("REDIS_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "wavelength.cli", "beat"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 1
    assert "CELERY_BROKER_URL is not set" in done.stderr
    assert not (tmp_path / "celerybeat-schedule").exists()


# serve ------------------------------------------------------------------------------------


@pytest.fixture
def captured_server(monkeypatch):
    started = []
    monkeypatch.setattr(serve.WavelengthServer, "run", lambda self: started.append(self.cfg))
    return started


def test_serve_binds_localhost_8000_by_default(db, captured_server, monkeypatch):
    monkeypatch.delenv("PORT", raising=False)
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)

    output = run("serve", "--no-migrate")

    (cfg,) = captured_server
    assert cfg.bind == ["127.0.0.1:8000"]
    assert cfg.workers == 2
    assert "http://127.0.0.1:8000/" in output


def test_serve_honours_port_env_and_options(db, captured_server, monkeypatch):
    monkeypatch.setenv("PORT", "9123")

    run("serve", "--no-migrate", "--host", "0.0.0.0", "--workers", "3")

    (cfg,) = captured_server
    assert cfg.bind == ["0.0.0.0:9123"] and cfg.workers == 3


def test_serve_rejects_a_bad_port(db, captured_server):
    with pytest.raises(CommandError, match="out of range"):
        run("serve", "--no-migrate", "--port", "70000")
    assert not captured_server


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_answers_http_and_serves_static_files(tmp_path):
    port = _free_port()
    env = {**os.environ, "WAVELENGTH_DATA_DIR": str(tmp_path), "PORT": str(port)}
    env["CHUNKED_BODY_MAX_MB"] = "1"
    command = [sys.executable, "-m", "wavelength.cli", "serve", "--workers", "1", "--no-migrate"]
    server = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/static/wavelength/app.css"
    try:
        response = _poll(url, server, limit=SERVER_START_LIMIT)
        assert response.status == 200
        assert "text/css" in response.headers["Content-Type"]

        # a body sent in chunks, with no length, is read to its end: over the limit, a 413
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        chunks = (b"x" * 65536 for _ in range(17))  # 1.06 MB
        connection.request("POST", "/api/v1/feedback/email", body=chunks, encode_chunked=True)
        answer = connection.getresponse()
        assert (answer.status, answer.read()) == (
            413,
            b'{"detail": [{"field": "", "message": "The request body is larger than 1 MB."}]}',
        )
        connection.close()
    finally:
        server.terminate()
        server.wait(timeout=30)


# A busy machine can take many seconds to start a server: wait generously, poll often.
SERVER_START_LIMIT = 90


def _poll(url: str, server: subprocess.Popen, *, limit: float):
    """The first answer from ``url`` within ``limit`` seconds; fails with the server's output
    when it exits or never answers."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                response.read()
                return response
        except OSError:
            time.sleep(0.2)
    code = server.poll()
    state = "did not answer" if code is None else f"exited with status {code}"
    server.terminate()
    output = server.communicate(timeout=30)[0].decode(errors="replace")
    pytest.fail(f"wavelength serve {state} within {limit} s. Its output:\n{output}")


# demo and reindex ---------------------------------------------------------------------------


def test_demo_command_prints_the_credentials_and_is_idempotent(db):
    first = run("demo")
    second = run("demo")

    assert first.strip().splitlines()[-1] == (
        "Sign in as demo@wavelength.local with password wavelength-demo"
    )
    assert "3 products" in first
    assert "nothing added" in second


def test_reindex_command_reports_entries_per_kind(db, editor, product):
    output = run("reindex")

    assert "product" in output and "Search index rebuilt: 1 entries." in output


# help -------------------------------------------------------------------------------------


def test_help_lists_the_same_commands_as_django():
    from django.core.management import ManagementUtility

    from wavelength.cli import main_help

    django_help = ManagementUtility(["wavelength"]).main_help_text()
    assert main_help() == django_help
    assert "    send-digests" in main_help() and "    runserver" in main_help()


def test_help_starts_neither_django_nor_the_triage_libraries():
    script = (
        "import sys; from wavelength.cli import main; main(['wavelength', '--help']); "
        "heavy = {'sklearn', 'celery', 'django.contrib.admin.sites'} & set(sys.modules); "
        "sys.exit(f'imported {sorted(heavy)}' if heavy else 0)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "Available subcommands:" in done.stdout


def test_commands_load_the_triage_libraries_only_when_they_triage(tmp_path):
    """Starting Django and its URL configuration (what every command does) leaves scikit-learn
    and SciPy unloaded; the first use of the triage's models loads them."""
    script = (
        "import sys, django; django.setup(); "
        "from django.urls import get_resolver; get_resolver().url_patterns; "
        "early = {'sklearn', 'scipy'} & set(sys.modules); "
        "from wavelength import intelligence; intelligence.TriageEngine; "
        "sys.exit(f'imported {sorted(early)} at start' if early else "
        "0 if 'sklearn' in sys.modules else 'the triage did not load scikit-learn')"
    )
    env = {**os.environ, "WAVELENGTH_DATA_DIR": str(tmp_path),
           "DJANGO_SETTINGS_MODULE": "wavelength.settings"}  # fmt: skip
    env.pop("DATABASE_URL", None)
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                          text=True, timeout=120, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
