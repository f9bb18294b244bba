"""Settings read from the environment for the production topology: REDIS_URL, BEAT_INTERVALS,
EMAIL_FILE_PATH, CELERY_VISIBILITY_TIMEOUT and DATABASE_URL's options. Each case imports the
settings afresh."""

import json
import subprocess
import sys

import pytest

SHOW = (
    "import json; from wavelength import settings as s; print(json.dumps({"
    "'broker': s.CELERY_BROKER_URL, 'eager': s.CELERY_TASK_ALWAYS_EAGER, "
    "'cache': s.CACHES['default']['BACKEND'].rsplit('.', 1)[1], "
    "'location': s.CACHES['default']['LOCATION'], 'mail': str(s.EMAIL_FILE_PATH), "
    "'visibility': s.CELERY_BROKER_TRANSPORT_OPTIONS['visibility_timeout'], "
    "'beat': {k: v['schedule'] for k, v in s.CELERY_BEAT_SCHEDULE.items()}, "
    "'db_options': s.DATABASES['default'].get('OPTIONS', {})}))"
)


def settings_with(tmp_path, **env: str):
    """The settings as a process with only ``env`` (and a data directory) reads them."""
    env = {"WAVELENGTH_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin", **env}
    done = subprocess.run([sys.executable, "-c", SHOW], env=env, capture_output=True, text=True)
    if done.returncode:
        return done.stderr
    return json.loads(done.stdout)


def test_without_redis_jobs_run_in_process_and_the_cache_is_the_database(tmp_path):
    found = settings_with(tmp_path)

    assert (found["broker"], found["eager"], found["cache"]) == ("", True, "DatabaseCache")
    assert found["mail"] == str(tmp_path / "mail")
    assert found["visibility"] == 3600


def test_redis_url_is_the_broker_and_the_cache_unless_they_are_set(tmp_path):
    redis = "redis://127.0.0.1:6379/3"

    found = settings_with(tmp_path, REDIS_URL=redis)
    assert (found["broker"], found["eager"]) == (redis, False)
    assert (found["cache"], found["location"]) == ("RedisCache", redis)

    found = settings_with(tmp_path, REDIS_URL=redis, CELERY_BROKER_URL="redis://queue:6379/0",
                          CACHE_URL="redis://cache:6379/1")  # fmt: skip
    assert (found["broker"], found["location"]) == ("redis://queue:6379/0", "redis://cache:6379/1")

    # Set empty on purpose: jobs stay in-process, the cache stays in the database.
    found = settings_with(tmp_path, REDIS_URL=redis, CELERY_BROKER_URL="", CACHE_URL="")
    assert (found["broker"], found["eager"], found["cache"]) == ("", True, "DatabaseCache")


def test_email_file_path_and_visibility_timeout_are_read(tmp_path):
    found = settings_with(tmp_path, EMAIL_FILE_PATH=str(tmp_path / "out"),
                          CELERY_VISIBILITY_TIMEOUT="30")  # fmt: skip

    assert (found["mail"], found["visibility"]) == (str(tmp_path / "out"), 30)


def test_beat_intervals_change_how_often_the_named_jobs_run(tmp_path):
    default = settings_with(tmp_path)["beat"]

    intervals = " audit-retention=5, webhook-retries = 30 ,"
    found = settings_with(tmp_path, BEAT_INTERVALS=intervals)["beat"]

    assert found["audit-retention"] == 5 and found["webhook-retries"] == 30
    assert {k: v for k, v in found.items() if k not in {"audit-retention", "webhook-retries"}} == {
        k: v for k, v in default.items() if k not in {"audit-retention", "webhook-retries"}
    }


@pytest.mark.parametrize("value", ["no-such-job=5", "audit-retention=0", "audit-retention=soon",
                                   "audit-retention"])  # fmt: skip
def test_a_bad_beat_interval_stops_every_command_with_the_reason(tmp_path, value):
    found = settings_with(tmp_path, BEAT_INTERVALS=value)

    assert "ImproperlyConfigured: BEAT_INTERVALS:" in found
    assert "webhook-retries" in found  # the jobs it may name


def test_postgresql_connections_do_not_compile_statements_unless_the_url_says_so(tmp_path):
    """PostgreSQL's JIT compiled the prioritisation table's statement for 300 ms on each
    page: connections turn it off, unless DATABASE_URL passes options of its own."""
    server = "postgres://wavelength@db:5432/wavelength"

    found = settings_with(tmp_path, DATABASE_URL=server)
    assert found["db_options"] == {"options": "-c jit=off"}

    found = settings_with(tmp_path, DATABASE_URL=f"{server}?options=-c%20jit%3Don")
    assert found["db_options"] == {"options": "-c jit=on"}

    assert "options" not in settings_with(tmp_path)["db_options"]  # SQLite
