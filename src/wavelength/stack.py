"""``make stack``: Wavelength as it runs in production, on one machine, in the foreground.

    python -m wavelength.stack

PostgreSQL and Redis are servers the machine provides: ``DATABASE_URL`` (default
``postgres://postgres@127.0.0.1:5432/wavelength_stack``) and ``REDIS_URL`` (default
``redis://127.0.0.1:6379/0``, the broker of background jobs and the shared cache). The launcher
checks that both answer, naming the one that does not; creates the database when it does not
exist; applies the migrations; then runs ``wavelength serve``, ``wavelength worker`` and
``wavelength beat`` as three processes, each line of their output prefixed with its name. Ctrl+C
stops all three, and so does any one of them stopping by itself.
"""

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterable
from typing import IO

import dj_database_url

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/wavelength_stack"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
PROCESSES = {"serve": ["serve", "--no-migrate"], "worker": ["worker"], "beat": ["beat"]}
STOP_SECONDS = 30  # what a worker gets to finish the job in hand before it is killed


def _postgres(url: str, dbname: str = "postgres"):
    """A connection to ``dbname`` on the server ``url`` names (autocommit)."""
    import psycopg

    config = dj_database_url.parse(url)
    return psycopg.connect(
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        dbname=dbname,
        connect_timeout=5,
        autocommit=True,
    )


def postgres_problem(url: str) -> str:
    """Why the PostgreSQL server ``url`` names cannot be used; empty when it answers."""
    import psycopg

    try:
        engine = dj_database_url.parse(url)["ENGINE"]
    except ValueError:
        engine = ""
    if not engine.endswith("postgresql"):
        return f"DATABASE_URL must name a PostgreSQL database (postgres://…), not {url!r}."
    try:
        _postgres(url).close()
    except psycopg.Error as exc:
        # "connection failed: connection to server at …, port 5432 failed: Connection refused"
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        reason = first.rpartition(" failed: ")[2].strip()
        return (
            f"PostgreSQL does not answer at {_where(url)} ({reason}). Start it, or set "
            "DATABASE_URL to a server that runs."
        )
    return ""


def redis_problem(url: str) -> str:
    """Why the Redis server ``url`` names cannot be used; empty when it answers."""
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=5).ping()
    except (redis.RedisError, ValueError) as exc:
        return (
            f"Redis does not answer at {_where(url)} ({exc}). Start it, or set REDIS_URL to a "
            "server that runs."
        )
    return ""


def _where(url: str) -> str:
    """``url`` without its password."""
    head, at, tail = url.rpartition("@")
    if not at:
        return url
    scheme, _sep, credentials = head.partition("://")
    return f"{scheme}://{credentials.partition(':')[0]}@{tail}"


def create_database(url: str) -> bool:
    """Create the database ``url`` names unless it exists; whether it was created."""
    from psycopg import sql

    name = dj_database_url.parse(url)["NAME"]
    with _postgres(url) as connection:
        if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return False
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return True


def start(args: list[str], env: dict[str, str], output: IO | int) -> subprocess.Popen:
    """``wavelength <args>`` in a process group of its own, so that stopping it stops its
    children too (gunicorn's and Celery's worker processes); it writes to ``output``."""
    return subprocess.Popen(  # noqa: S603 - this Python, this package, our arguments
        [sys.executable, "-m", "wavelength.cli", *args],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=output,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(processes: Iterable[subprocess.Popen], seconds: float = STOP_SECONDS) -> None:
    """Ask each process group to stop (SIGTERM), wait ``seconds``, then kill what is left."""
    processes = list(processes)
    for process in processes:
        _signal_group(process, signal.SIGTERM)
    deadline = time.monotonic() + seconds
    for process in processes:
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=max(deadline - time.monotonic(), 0.1))
        _signal_group(process, signal.SIGKILL)  # its children too, even when it has exited
        process.wait()


def _signal_group(process: subprocess.Popen, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signum)


def _relay(name: str, stream: IO[bytes]) -> None:
    for line in iter(stream.readline, b""):
        sys.stdout.write(f"{name:<6} | {line.decode(errors='replace')}")
        sys.stdout.flush()


def main() -> int:
    env = dict(os.environ)
    env.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    env.setdefault("REDIS_URL", DEFAULT_REDIS_URL)
    env.setdefault("PYTHONUNBUFFERED", "1")  # each line shown as it is written
    problems = [p for p in (postgres_problem(env["DATABASE_URL"]),
                            redis_problem(env["REDIS_URL"])) if p]  # fmt: skip
    if problems:
        for problem in problems:
            print(f"!! {problem}", file=sys.stderr)
        print("!! make stack needs PostgreSQL and Redis; nothing was started.", file=sys.stderr)
        return 1
    name = dj_database_url.parse(env["DATABASE_URL"])["NAME"]
    print(f"==> Database {name}: {'created' if create_database(env['DATABASE_URL']) else 'found'}")
    print("==> Migrations", flush=True)
    if subprocess.run([sys.executable, "-m", "wavelength.cli", "migrate", "--noinput", "-v0"],
                      env=env, check=False).returncode:  # fmt: skip
        print("!! The migrations failed; nothing was started.", file=sys.stderr)
        return 1
    # Stopping the launcher (Ctrl+C, or SIGTERM from a supervisor) stops the three processes.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    running: dict[str, subprocess.Popen] = {}
    relays: list[threading.Thread] = []
    try:
        for label, args in PROCESSES.items():
            running[label] = process = start(args, env, subprocess.PIPE)
            relay = threading.Thread(target=_relay, args=(label, process.stdout), daemon=True)
            relay.start()
            relays.append(relay)
            print(f"==> wavelength {label} started (pid {process.pid})", flush=True)
        print("==> Ctrl+C stops all three", flush=True)
        while True:
            for label, process in running.items():
                if process.poll() is not None:
                    print(f"!! wavelength {label} stopped (exit status {process.returncode}); "
                          "stopping the others.", file=sys.stderr)  # fmt: skip
                    return 1
            time.sleep(0.5)
    except KeyboardInterrupt:
        print("\n==> Stopping serve, worker and beat…", flush=True)
        return 0
    finally:
        stop(running.values())
        for thread in relays:  # the last lines the three wrote as they stopped
            thread.join(timeout=5)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:  # before the three started: the migrations stop with it
        sys.exit(130)
