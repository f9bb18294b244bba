"""``make bench``'s database: SQLite unless ``BENCH_DATABASE=postgres`` asks for a database of
the run's own on a PostgreSQL server, created at the start and dropped at the end whatever
ended the run; a server that does not answer is one line and exit status 2."""

import os

import pytest

from bench import database
from bench.__main__ import main

NOBODY = "postgres://postgres:s3cret@127.0.0.1:1/postgres"  # nothing listens on port 1


def test_sqlite_unless_postgres_is_asked_for():
    assert database.engine({}) == "sqlite"
    assert database.engine({"BENCH_DATABASE": ""}) == "sqlite"
    assert database.engine({"BENCH_DATABASE": " Postgres "}) == "postgres"
    assert database.engine({"BENCH_DATABASE": "postgresql"}) == "postgres"
    with pytest.raises(database.Refused, match="one of sqlite, postgres, not 'mysql'"):
        database.engine({"BENCH_DATABASE": "mysql"})


def test_the_server_is_the_local_one_unless_named():
    assert database.server_url({}) == "postgres://postgres@127.0.0.1:5432/postgres"
    named = {"BENCH_POSTGRES_URL": "postgres://bench@db.internal:6432/postgres"}
    assert database.server_url(named) == "postgres://bench@db.internal:6432/postgres"


def test_each_run_has_a_database_named_after_its_scale_and_process():
    assert database.database_name("S", pid=4242) == "wavelength_bench_s_4242"
    assert database.database_name("M") == f"wavelength_bench_m_{os.getpid()}"
    assert database.database_name("S; DROP", pid=1) == "wavelength_bench_sdrop_1"


def test_the_run_s_database_is_on_the_same_server_with_the_same_options():
    url = "postgres://bench:pw@db.internal:6432/postgres?sslmode=require"
    assert database.with_database(url, "wavelength_bench_s_1") == (
        "postgres://bench:pw@db.internal:6432/wavelength_bench_s_1?sslmode=require"
    )


def test_an_address_is_shown_without_its_password():
    assert database.shown("postgres://bench:pw@db.internal:6432/x?password=pw2") == (
        "postgres://bench@db.internal:6432/x"
    )
    assert database.shown("postgres://127.0.0.1/x") == "postgres://127.0.0.1/x"


def test_a_server_that_does_not_answer_is_one_line_and_exit_status_2(monkeypatch, capsys):
    monkeypatch.setenv("BENCH_DATABASE", "postgres")
    monkeypatch.setenv("BENCH_POSTGRES_URL", NOBODY)
    monkeypatch.setenv("BENCH_SCALE", "S")
    assert main() == 2
    out, err = capsys.readouterr()
    assert out.startswith("PostgreSQL does not answer at postgres://postgres@127.0.0.1:1/postgres")
    assert len(out.strip().splitlines()) == 1
    assert "s3cret" not in out + err
    assert "Traceback" not in out + err


def test_an_unknown_database_is_refused_in_one_line(monkeypatch, capsys):
    monkeypatch.setenv("BENCH_DATABASE", "oracle")
    assert main() == 2
    out = capsys.readouterr().out
    assert out == "BENCH_DATABASE must be one of sqlite, postgres, not 'oracle'.\n"


@pytest.fixture
def server():
    url = database.server_url()
    try:
        database.ping(url)
    except database.Refused as exc:
        pytest.skip(f"no PostgreSQL to create a database on: {exc}")
    return url


def test_the_database_is_created_for_the_block_and_dropped_after_it(server):
    import psycopg

    name = database.database_name("test", pid=os.getpid())
    with database.created(server, name) as url:
        assert database.exists(server, name)
        with psycopg.connect(url) as conn:
            assert conn.execute("SELECT current_database()").fetchone() == (name,)
    assert not database.exists(server, name)


def test_the_database_is_dropped_when_the_run_fails_with_a_session_still_open(server):
    import psycopg

    name = database.database_name("test", pid=os.getpid())
    with pytest.raises(KeyboardInterrupt), database.created(server, name) as url:
        left_open = psycopg.connect(url)
        raise KeyboardInterrupt
    assert not database.exists(server, name)
    left_open.close()


def test_a_server_that_refuses_the_login_is_told_apart_from_one_that_does_not_answer(server):
    missing = database.with_database(server, "wavelength_bench_no_such_database")
    with pytest.raises(database.Refused, match="refused the connection") as refused:
        database.ping(missing)
    assert 'database "wavelength_bench_no_such_database" does not exist' in str(refused.value)
