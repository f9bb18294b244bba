"""``make stack``'s launcher (``python -m wavelength.stack``): it names the server that does not
answer and starts nothing. Its run against real servers is in ``tests/test_stack.py``."""

import socket
import subprocess
import sys

import pytest

from wavelength import stack


def _closed_port() -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_postgresql_server_that_does_not_answer_is_named():
    url = f"postgres://postgres:s3cret@127.0.0.1:{_closed_port()}/wavelength_stack"

    problem = stack.postgres_problem(url)

    assert problem.startswith("PostgreSQL does not answer at postgres://postgres@127.0.0.1:")
    assert "s3cret" not in problem and "DATABASE_URL" in problem


def test_a_database_url_that_is_not_postgresql_is_refused():
    problem = stack.postgres_problem("sqlite:////tmp/wavelength.sqlite3")

    assert problem.startswith("DATABASE_URL must name a PostgreSQL database")


def test_a_redis_server_that_does_not_answer_is_named():
    problem = stack.redis_problem(f"redis://127.0.0.1:{_closed_port()}/0")

    assert problem.startswith("Redis does not answer at redis://127.0.0.1:")
    assert "REDIS_URL" in problem


@pytest.mark.parametrize("missing", [{"postgres"}, {"redis"}, {"postgres", "redis"}])
def test_the_launcher_names_each_missing_server_exits_1_and_starts_nothing(
    missing, monkeypatch, capsys
):
    problems = {
        "postgres": "PostgreSQL does not answer at postgres://postgres@127.0.0.1:5432/x (…).",
        "redis": "Redis does not answer at redis://127.0.0.1:6379/0 (…).",
    }
    for server, text in problems.items():
        answer = text if server in missing else ""
        monkeypatch.setattr(stack, f"{server}_problem", lambda url, answer=answer: answer)
    monkeypatch.setattr(stack, "create_database", lambda url: pytest.fail("database created"))
    monkeypatch.setattr(stack, "start", lambda *args: pytest.fail("process started"))
    monkeypatch.setattr(subprocess, "run", lambda *args, **kw: pytest.fail("migrations run"))

    assert stack.main() == 1

    err = capsys.readouterr().err
    for server, text in problems.items():
        assert (text in err) == (server in missing), err
    assert "make stack needs PostgreSQL and Redis; nothing was started." in err


def test_the_launcher_from_the_shell_says_what_is_missing(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "WAVELENGTH_DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{_closed_port()}/wavelength_stack",
        "REDIS_URL": f"redis://127.0.0.1:{_closed_port()}/0",
    }
    done = subprocess.run([sys.executable, "-m", "wavelength.stack"], env=env,
                          capture_output=True, text=True, timeout=120)  # fmt: skip

    assert done.returncode == 1
    assert "!! PostgreSQL does not answer at" in done.stderr
    assert "!! Redis does not answer at" in done.stderr
    assert done.stdout == ""
