"""``wavelength backup`` and ``wavelength restore``: a consistent snapshot of a running
workspace, restored elsewhere row for row and file for file; and bad archives refused."""

import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from wavelength.core.backup import FORMAT, BackupError, restore_backup

# A second process that keeps writing feedback (and an uploaded file) while the backup runs;
# it counts what it wrote in ``progress`` and stops when ``stop`` appears.
WRITER = """
import os, sys
from pathlib import Path
import django
django.setup()
from django.conf import settings
from wavelength.accounts.models import User
from wavelength.feedback import services
from wavelength.feedback.models import Feedback

folder = Path(sys.argv[1])
actor = User.objects.filter(role="admin").order_by("pk").first()
n = 0
while not (folder / "stop").exists():
    n += 1
    services.feedback_create(actor=actor, text=f"Written during the backup, number {n}.")
    media = Path(settings.MEDIA_ROOT) / "during"
    media.mkdir(parents=True, exist_ok=True)
    (media / f"{n}.txt").write_text(str(n))
    (folder / "progress").write_text(str(n))
"""


def _env(data_dir: Path, database_url: str | None = None) -> dict[str, str]:
    env = {**os.environ, "WAVELENGTH_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": ""}
    env.pop("DJANGO_SETTINGS_MODULE")
    env.pop("SECRET_KEY", None)
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def wavelength(env: dict, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [sys.executable, "-m", "wavelength.cli", *args],
        env=env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    if check:
        assert done.returncode == 0, done.stderr[-3000:]
    return done


def _written(folder: Path) -> int:
    try:
        return int((folder / "progress").read_text() or 0)
    except (FileNotFoundError, ValueError):
        return 0


def _wait_for(folder: Path, count: int, writer: subprocess.Popen) -> None:
    deadline = time.monotonic() + 300
    while _written(folder) < count:
        assert writer.poll() is None, writer.stderr.read()
        assert time.monotonic() < deadline, "the writer never wrote"
        time.sleep(0.1)


def _backup_under_writes(env: dict, tmp_path: Path, archive: Path) -> str:
    """Back up while another process writes; answer the backup's output."""
    settings_env = {**env, "DJANGO_SETTINGS_MODULE": "wavelength.settings"}
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(tmp_path)],
        env=settings_env, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        _wait_for(tmp_path, 3, writer)
        before = _written(tmp_path)
        done = wavelength(env, "backup", str(archive))
        _wait_for(tmp_path, _written(tmp_path) + 3, writer)
        assert _written(tmp_path) > before  # the writes went on around the backup
    finally:
        (tmp_path / "stop").touch()
        writer.wait(timeout=120)
    assert writer.returncode == 0, writer.stderr.read()
    return done.stdout


def _members(archive: Path) -> dict[str, bytes]:
    with tarfile.open(archive, "r:gz") as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}


def _dump(path: Path) -> list[str]:
    db = sqlite3.connect(path)
    try:
        return list(db.iterdump())
    finally:
        db.close()


def test_a_demo_backed_up_under_writes_is_restored_elsewhere_identical(tmp_path):
    source, target = tmp_path / "source", tmp_path / "target"
    env = _env(source)
    wavelength(env, "migrate", "-v0")
    wavelength(env, "demo")
    (source / "media" / "attachments").mkdir(parents=True)
    (source / "media" / "attachments" / "spec.pdf").write_bytes(b"%PDF-1.4 spec" * 1000)
    archive = tmp_path / "workspace.tar.gz"

    said = _backup_under_writes(env, tmp_path, archive)

    assert "one snapshot" in said and f"Backup written to {archive}" in said
    assert oct(archive.stat().st_mode & 0o777) == "0o600"  # it holds the secret key
    members = _members(archive)
    manifest = json.loads(members["manifest.json"])
    assert manifest["database"] == "sqlite" and manifest["format"] == FORMAT
    assert members["secret_key"].decode() == (source / "secret_key").read_text()
    snapshot = tmp_path / "snapshot.sqlite3"
    snapshot.write_bytes(members["database.sqlite3"])

    restored = wavelength(_env(target), "restore", str(archive)).stdout
    assert "Verified:" in restored

    # Every row of the snapshot, and nothing written after it.
    assert _dump(target / "wavelength.sqlite3") == _dump(snapshot)
    live = sqlite3.connect(source / "wavelength.sqlite3")
    back = sqlite3.connect(target / "wavelength.sqlite3")
    count = "SELECT count(*) FROM feedback_feedback"
    assert back.execute(count).fetchone()[0] < live.execute(count).fetchone()[0]
    assert back.execute(count).fetchone()[0] > 1000  # the demo's feedback is there
    live.close()
    back.close()
    # Every file, byte for byte, and the secret key.
    for name, digest in manifest["files"].items():
        assert (target / "media" / name).read_bytes() == (source / "media" / name).read_bytes()
    assert "attachments/spec.pdf" in manifest["files"]
    assert (target / "secret_key").read_text() == (source / "secret_key").read_text()
    # The restored workspace runs: its checks pass and it knows its demo user.
    shell = wavelength(
        _env(target), "shell", "-c",
        "from wavelength.accounts.models import User;"
        "print(User.objects.filter(email='demo@wavelength.local').count())",
    )  # fmt: skip
    assert shell.stdout.strip().splitlines()[-1] == "1"

    # Restoring twice never overwrites.
    again = wavelength(_env(target), "restore", str(archive), check=False)
    assert again.returncode == 1 and "The database is not empty" in again.stderr
    # Nor does a backup over an existing file.
    over = wavelength(env, "backup", str(archive), check=False)
    assert over.returncode == 1 and "already exists" in over.stderr


@pytest.mark.skipif(
    not os.getenv("DATABASE_URL", "").startswith("postgres"),
    reason="the PostgreSQL backup runs where DATABASE_URL names a PostgreSQL server",
)
def test_postgresql_backup_under_writes_restores_into_a_new_database(tmp_path):
    import psycopg

    base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    names = [f"wl_backup_{kind}_{uuid.uuid4().hex[:8]}" for kind in ("source", "target")]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        for name in names:
            admin.execute(f'CREATE DATABASE "{name}"')
    try:
        env = _env(tmp_path / "source", f"{base}/{names[0]}")
        wavelength(env, "migrate", "-v0")
        wavelength(
            env, "createuser", "--email", "admin@example.com", "--role", "admin", "--name", "Ann"
        )
        archive = tmp_path / "pg.tar.gz"
        said = _backup_under_writes(env, tmp_path, archive)
        assert "Database (postgresql)" in said
        assert "database.pgdump" in _members(archive)
        restored = wavelength(_env(tmp_path / "target", f"{base}/{names[1]}"), "restore",
                              str(archive)).stdout  # fmt: skip
        assert "Verified:" in restored
        manifest = json.loads(_members(archive)["manifest.json"])
        with (
            psycopg.connect(f"{base}/{names[0]}") as live,
            psycopg.connect(f"{base}/{names[1]}") as back,
        ):
            sql = "SELECT count(*) FROM feedback_feedback"
            backed = back.execute(sql).fetchone()[0]
            assert backed == manifest["tables"]["feedback_feedback"][0]
            assert backed < live.execute(sql).fetchone()[0]
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            for name in names:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# Bad archives ---------------------------------------------------------------------------------


def _archive(tmp_path: Path, members: dict[str, bytes], name="bad.tar.gz") -> Path:
    path = tmp_path / name
    with tarfile.open(path, "w:gz") as tar:
        for member, data in members.items():
            info = tarfile.TarInfo(member)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def _manifest(**changes) -> bytes:
    manifest = {"format": FORMAT, "database": connection.vendor, "migrations": [],
                "tables": {}, "files": {}, "created_at": "2026-01-01T00:00:00+00:00"}  # fmt: skip
    return json.dumps({**manifest, **changes}).encode()


@pytest.mark.parametrize(
    ("members", "message"),
    [
        ({"notes.txt": b"hello"}, "not a Wavelength backup"),
        ({"manifest.json": b"{not json"}, "not a Wavelength backup"),
        ({"manifest.json": b'{"format": 99}'}, "format is 99"),
        ({"manifest.json": b'{"format": 1, "tables": [], "files": {}, "migrations": []}'},
         "no valid “tables”"),
    ],
)  # fmt: skip
def test_a_file_that_is_no_backup_is_refused_with_the_reason(tmp_path, db, members, message):
    with pytest.raises(BackupError, match=message):
        restore_backup(_archive(tmp_path, members))


def test_damaged_missing_or_escaping_archives_are_refused(tmp_path, db):
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"\x1f\x8b\x08\x00broken")
    with pytest.raises(BackupError, match="damaged or not a Wavelength backup"):
        restore_backup(junk)
    with pytest.raises(BackupError, match="does not exist"):
        restore_backup(tmp_path / "nowhere.tar.gz")
    escaping = _archive(tmp_path, {"manifest.json": _manifest(files={"../../etc/x": "0"})})
    with pytest.raises(BackupError, match="outside the media folder"):
        restore_backup(escaping)
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    with pytest.raises(BackupError, match="same kind of database"):
        restore_backup(_archive(tmp_path, {"manifest.json": _manifest(database=other)}))
