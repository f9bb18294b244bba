"""Rate limits live in a cache every server process shares: the database by default."""

import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from wavelength.core.ratelimit import over_limit


def test_the_default_cache_is_the_database_so_every_process_counts_the_same_attempts():
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"


@pytest.mark.django_db
def test_attempts_are_counted_in_the_shared_table_and_the_limit_holds():
    keys = ["test:rl:ip:192.0.2.1"]
    assert [over_limit(keys, limit=3, window=60) for _ in range(5)] == [
        False, False, False, True, True,
    ]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM wavelength_cache")
        assert cursor.fetchone()[0] == 1


@pytest.mark.django_db
def test_one_key_over_the_limit_is_enough():
    for _ in range(2):
        over_limit(["test:rl:email:a@example.com"], limit=2, window=60)
    assert over_limit(["test:rl:ip:new", "test:rl:email:a@example.com"], limit=2, window=60)


@pytest.mark.parametrize(
    ("url", "backend"),
    [
        ("redis://cache.internal:6379/1", "django.core.cache.backends.redis.RedisCache"),
        ("", "django.core.cache.backends.db.DatabaseCache"),
    ],
)
def test_cache_url_chooses_redis(url, backend, tmp_path):
    code = "from wavelength import settings; print(settings.CACHES['default']['BACKEND'])"
    env = {"CACHE_URL": url, "WAVELENGTH_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.stdout.strip() == backend, out.stderr
