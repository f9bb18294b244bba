"""Where the bench keeps its data.

``BENCH_DATABASE=sqlite`` (the default): the SQLite file of the scale, generated once and
reused. ``BENCH_DATABASE=postgres``: a database created on the PostgreSQL server of
``BENCH_POSTGRES_URL`` for one run, filled, measured and dropped at the end whatever ended the
run, so no run inherits another's rows and nothing is left on the server.

Nothing here imports Django at load time: the database is chosen, and the server asked
whether it answers, before Django is set up with it.
"""

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

ENGINES = ("sqlite", "postgres")
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"
CONNECT_TIMEOUT = 5  # seconds: a server that does not answer by then is reported, not waited on


class Refused(Exception):
    """The bench cannot run where it was asked to; the message is the one line to print."""


def engine(environ=os.environ) -> str:
    """The database the bench runs on, from ``BENCH_DATABASE`` (``sqlite`` when unset)."""
    value = environ.get("BENCH_DATABASE", "").strip().lower() or "sqlite"
    if value == "postgresql":
        return "postgres"
    if value not in ENGINES:
        raise Refused(f"BENCH_DATABASE must be one of {', '.join(ENGINES)}, not {value!r}.")
    return value


def server_url(environ=os.environ) -> str:
    """The maintenance database the bench connects to in order to create and drop its own."""
    return environ.get("BENCH_POSTGRES_URL", "").strip() or DEFAULT_SERVER


def database_name(scale_name: str, pid: int | None = None) -> str:
    """One database per run, named after the process, so that two runs never share one."""
    scale = "".join(c for c in scale_name.lower() if c.isalnum())
    return f"wavelength_bench_{scale}_{pid or os.getpid()}"


def with_database(url: str, name: str) -> str:
    """``url`` with ``name`` as its database: the same server, user and options."""
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def shown(url: str) -> str:
    """``url`` as it may be printed: scheme, user, host, port and database, never a password
    (neither the one after the user nor a ``password=`` option)."""
    parts = urlsplit(url)
    user = f"{parts.username}@" if parts.username else ""
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, user + host, parts.path, "", ""))


def _reason(exc: Exception) -> str:
    """The cause in libpq's message, without its repetition of the address."""
    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    return " ".join(first.rpartition(" failed: ")[2].split())


def _unreachable(url: str, reason: str) -> str:
    """What to print when no connection was made: a server that answered and refused the
    login calls for another user or database, one that did not answer for a running server."""
    if reason.startswith("FATAL"):
        return (
            f"PostgreSQL at {shown(url)} refused the connection ({reason}): point "
            "BENCH_POSTGRES_URL at a user and database it accepts."
        )
    return (
        f"PostgreSQL does not answer at {shown(url)} ({reason}): start it, or point "
        "BENCH_POSTGRES_URL at a server that does."
    )


def _connect(url: str):
    import psycopg

    try:
        return psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_TIMEOUT)
    except psycopg.Error as exc:
        raise Refused(_unreachable(url, _reason(exc))) from None


def ping(url: str) -> None:
    """Raise ``Refused`` unless the server at ``url`` accepts a connection."""
    _connect(url).close()


def _execute(conn, url: str, statement) -> None:
    import psycopg

    try:
        conn.execute(statement)
    except psycopg.Error as exc:
        text = statement.as_string(conn)
        raise Refused(f"PostgreSQL at {shown(url)} refused {text}: {_reason(exc)}") from None


def _create(server: str, name: str) -> None:
    from psycopg import sql

    with _connect(server) as conn:
        _execute(conn, server, sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _drop(server: str, name: str) -> None:
    """``DROP DATABASE``, forcing out the sessions still connected to it (a background
    thread's) on the servers that can (PostgreSQL 13 and later)."""
    from psycopg import sql

    with _connect(server) as conn:
        force = " WITH (FORCE)" if conn.info.server_version >= 130000 else ""
        drop = sql.SQL("DROP DATABASE IF EXISTS {}" + force).format(sql.Identifier(name))
        _execute(conn, server, drop)


def _close_django_connections(name: str) -> None:
    """Django's connections to ``name`` in this thread, closed: the server will not drop a
    database this process is still using."""
    from django.conf import settings

    if not settings.configured:
        return
    from django.db import connections

    for conn in connections.all(initialized_only=True):
        if conn.settings_dict.get("NAME") == name:
            conn.close()


@contextmanager
def created(server: str, name: str) -> Iterator[str]:
    """A new, empty database ``name`` on ``server`` for the block (its URL), dropped when the
    block ends: normally, on an error or on Ctrl+C."""
    _create(server, name)
    try:
        yield with_database(server, name)
    finally:
        _close_django_connections(name)
        _drop(server, name)


def exists(server: str, name: str) -> bool:
    """Whether the server lists ``name``: how a drop is checked from outside the run."""
    with _connect(server) as conn:
        row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    return row is not None


def version() -> str:
    """The engine and version of the database Django is connected to, for the header line."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return f"SQLite {sqlite3.sqlite_version}"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return f"PostgreSQL {cursor.fetchone()[0].split()[0]}"


def fast_writes() -> None:
    """Generated rows need no durability, only speed: SQLite stops syncing the file,
    PostgreSQL stops waiting for each commit to reach the disk; both for this connection."""
    from django.db import connection

    if connection.vendor == "postgresql":
        statement = "SET synchronous_commit TO off"
    else:
        statement = "PRAGMA synchronous=OFF"
    with connection.cursor() as cursor:
        cursor.execute(statement)
