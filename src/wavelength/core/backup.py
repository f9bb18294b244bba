"""Backups of a whole workspace, and restoring one into an empty database and data directory.

One archive (``.tar.gz``) holds everything a workspace is:

- ``database.sqlite3`` (SQLite's online backup) or ``database.pgdump`` (``pg_dump``'s custom
  format): one consistent snapshot, taken while the server keeps running and writing;
- ``media/…``: the uploaded files (attachments, evidence…);
- ``secret_key``: the key that signs sessions, links and tokens;
- ``manifest.json``: the format, the database kind, the applied migrations, and a digest of
  every table and file *of the snapshot*, which :func:`restore_backup` checks the restored copy
  against — so a restore either reproduces the snapshot exactly or says what differs.

On PostgreSQL the digests are read in the very transaction snapshot ``pg_dump`` exports from,
so rows written during the backup are in neither. Restoring never overwrites: the database
must have no tables and the media folder no files.
"""

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import connection, connections, transaction

FORMAT = 1
MANIFEST = "manifest.json"
SECRET = "secret_key"
DUMPS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
CHUNK = 1 << 20

Say = Callable[[str], None]


class BackupError(Exception):
    """A backup or restore that cannot be done, with the reason in words."""


def engine() -> str:
    vendor = connection.vendor
    if vendor not in DUMPS:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    return vendor


# Digests ------------------------------------------------------------------------------------


def _plain(value) -> str:
    if isinstance(value, memoryview | bytes | bytearray):
        return bytes(value).hex()
    return repr(value)


def _digest_rows(cursor, table: str, quote: Callable[[str], str]) -> tuple[int, str]:
    # Table names come from the database's own catalogue, quoted by its quoting function.
    cursor.execute(f"SELECT * FROM {quote(table)} LIMIT 0")  # noqa: S608
    columns = len(cursor.description)
    order = ", ".join(str(n) for n in range(1, columns + 1))
    cursor.execute(f"SELECT * FROM {quote(table)} ORDER BY {order}")  # noqa: S608
    digest, count = hashlib.sha256(), 0
    while rows := cursor.fetchmany(2000):
        for row in rows:
            digest.update("\x1f".join(_plain(v) for v in row).encode())
            digest.update(b"\x1e")
            count += 1
    return count, digest.hexdigest()


def _sqlite_tables(db: sqlite3.Connection) -> list[str]:
    rows = db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name"
    )
    return [name for (name,) in rows]


def sqlite_digests(path: Path) -> dict[str, list]:
    """``{table: [rows, sha256]}`` of a SQLite file."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        cursor = db.cursor()
        quote = lambda name: '"' + name.replace('"', '""') + '"'  # noqa: E731
        return {t: list(_digest_rows(cursor, t, quote)) for t in _sqlite_tables(db)}
    finally:
        db.close()


def database_digests(using: str = "default") -> dict[str, list]:
    """``{table: [rows, sha256]}`` of every table of a database, through Django's connection
    (inside whatever transaction is open)."""
    conn = connections[using]
    with conn.cursor() as cursor:
        tables = sorted(conn.introspection.table_names(cursor))
        return {t: list(_digest_rows(cursor, t, conn.ops.quote_name)) for t in tables}


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _media_files() -> Iterator[tuple[str, Path]]:
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path.relative_to(root).as_posix(), path


# PostgreSQL ---------------------------------------------------------------------------------


def _pg_env(using: str = "default") -> tuple[list[str], dict[str, str]]:
    db = connections[using].settings_dict
    env = {**os.environ}
    args = ["--dbname", db["NAME"]]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(
            f"{command[0]} is not installed; it comes with PostgreSQL's client "
            f"(Debian: apt-get install postgresql-client)."
        )
    # The arguments are the settings' database and the program's own files, no user text.
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[:2000]}")


@contextmanager
def _pg_snapshot() -> Iterator[str]:
    """A repeatable-read transaction whose snapshot other sessions (pg_dump) can share."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        yield cursor.fetchone()[0]


# Backup -------------------------------------------------------------------------------------


def _applied_migrations() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        return [f"{app}.{name}" for app, name in cursor.fetchall()]


def _snapshot_database(kind: str, into: Path) -> dict[str, list]:
    """Write the snapshot to ``into`` and answer the digests of exactly that snapshot."""
    if kind == "sqlite":
        source = sqlite3.connect(str(settings.DATABASES["default"]["NAME"]), timeout=60)
        target = sqlite3.connect(str(into))
        try:
            source.backup(target)  # one step: a consistent copy, writers are not blocked
        finally:
            target.close()
            source.close()
        return sqlite_digests(into)
    args, env = _pg_env()
    with _pg_snapshot() as snapshot:
        _run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
             f"--snapshot={snapshot}", "--file", str(into), *args],
            env,
        )  # fmt: skip
        return database_digests()


def _add_file(archive: tarfile.TarFile, name: str, path: Path) -> None:
    info = archive.gettarinfo(str(path), arcname=name)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    with path.open("rb") as f:
        archive.addfile(info, f)


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), 0o600, int(dt.datetime.now(dt.UTC).timestamp())
    archive.addfile(info, io.BytesIO(data))


def create_backup(path: Path, *, say: Say = lambda line: None) -> dict:
    """Write a backup archive of the database, the uploaded files and the secret key to
    ``path`` (refused when it exists); answer its manifest."""
    path = Path(path)
    if path.exists():
        raise BackupError(f"{path} already exists; choose a new file name.")
    if not path.parent.is_dir():
        raise BackupError(f"The folder {path.parent} does not exist.")
    kind = engine()
    partial = path.with_name(path.name + ".partial")
    with tempfile.TemporaryDirectory(prefix="wavelength-backup-") as work:
        dump = Path(work) / DUMPS[kind]
        migrations = _applied_migrations()
        tables = _snapshot_database(kind, dump)
        rows = sum(n for n, _d in tables.values())
        say(f"Database ({kind}): {len(tables)} tables, {rows} rows, one snapshot.")
        files = {name: _file_digest(file) for name, file in _media_files()}
        manifest = {
            "format": FORMAT,
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "database": kind,
            "migrations": migrations,
            "tables": tables,
            "files": files,
            "secret_key": hashlib.sha256(settings.SECRET_KEY.encode()).hexdigest(),
        }
        try:
            with tarfile.open(partial, "w:gz") as archive:
                _add_bytes(archive, MANIFEST, json.dumps(manifest, indent=1).encode())
                _add_bytes(archive, SECRET, settings.SECRET_KEY.encode())
                _add_file(archive, DUMPS[kind], dump)
                root = Path(settings.MEDIA_ROOT)
                for name in files:
                    _add_file(archive, f"media/{name}", root / name)
            partial.chmod(0o600)  # it holds the secret key and every customer's data
            partial.replace(path)
        finally:
            partial.unlink(missing_ok=True)
    say(f"Uploaded files: {len(files)}.")
    say(f"Backup written to {path} ({path.stat().st_size:,} bytes).")
    return manifest


# Restore ------------------------------------------------------------------------------------


def _safe_name(name: str) -> bool:
    pure = PurePosixPath(name)
    return not pure.is_absolute() and ".." not in pure.parts and name == pure.as_posix()


def _read_manifest(archive: tarfile.TarFile) -> dict:
    try:
        member = archive.getmember(MANIFEST)
        manifest = json.loads(archive.extractfile(member).read())
    except (KeyError, AttributeError, ValueError) as exc:
        raise BackupError("This file is not a Wavelength backup (no readable manifest).") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        found = manifest.get("format") if isinstance(manifest, dict) else "?"
        raise BackupError(
            f"This backup's format is {found}; this version of Wavelength restores format {FORMAT}."
        )
    for key, kind in (("tables", dict), ("files", dict), ("migrations", list)):
        if not isinstance(manifest.get(key), kind):
            raise BackupError(f"This backup's manifest has no valid “{key}”.")
    return manifest


def _extract(archive: tarfile.TarFile, name: str, to: Path) -> None:
    try:
        member = archive.getmember(name)
    except KeyError:
        raise BackupError(f"The backup lacks {name}.") from None
    if not member.isfile() or not _safe_name(name):
        raise BackupError(f"The backup's {name} is not a plain file.")
    to.parent.mkdir(parents=True, exist_ok=True)
    with archive.extractfile(member) as source, to.open("wb") as target:
        shutil.copyfileobj(source, target, CHUNK)


def _database_is_empty(kind: str) -> bool:
    if kind == "sqlite":
        name = Path(settings.DATABASES["default"]["NAME"])
        if not name.exists() or name.stat().st_size == 0:
            return True
        db = sqlite3.connect(f"file:{name}?mode=ro", uri=True)
        try:
            return not _sqlite_tables(db)
        finally:
            db.close()
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


def _differences(expected: dict, found: dict) -> list[str]:
    lines = []
    for table in sorted(set(expected) | set(found)):
        if table not in found:
            lines.append(f"table {table} is missing")
        elif table not in expected:
            lines.append(f"table {table} is not in the backup")
        elif list(expected[table]) != list(found[table]):
            lines.append(f"table {table}: {found[table][0]} rows, {expected[table][0]} expected")
    return lines


def restore_backup(path: Path, *, say: Say = lambda line: None) -> dict:
    """Rebuild the workspace from a backup into an empty database and media folder. Every
    part is read and checked against the manifest before anything is written."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} does not exist.")
    kind = engine()
    try:
        with tarfile.open(path, "r:gz") as archive, tempfile.TemporaryDirectory() as work:
            return _restore(archive, Path(work), kind, say)
    except (tarfile.TarError, EOFError, zlib.error) as exc:
        raise BackupError(f"{path} is damaged or not a Wavelength backup ({exc}).") from exc


def _restore(archive: tarfile.TarFile, work: Path, kind: str, say: Say) -> dict:
    manifest = _read_manifest(archive)
    if not all(_safe_name(f"media/{name}") for name in manifest["files"]):
        raise BackupError("The backup names a file outside the media folder.")
    if manifest.get("database") != kind:
        raise BackupError(
            f"This backup holds a {manifest.get('database')} database and this workspace "
            f"uses {kind}: restore it into the same kind of database."
        )
    if not _database_is_empty(kind):
        raise BackupError(
            "The database is not empty: restore into a new database (or data directory)."
        )
    media = Path(settings.MEDIA_ROOT)
    if media.is_dir() and any(p.is_file() for p in media.rglob("*")):
        raise BackupError(f"{media} already holds files: restore into an empty data directory.")

    # Everything is read and checked before anything is written.
    dump, secret = work / DUMPS[kind], work / SECRET
    _extract(archive, DUMPS[kind], dump)
    _extract(archive, SECRET, secret)
    for name, digest in manifest["files"].items():
        _extract(archive, f"media/{name}", work / "media" / name)
        if _file_digest(work / "media" / name) != digest:
            raise BackupError(f"The uploaded file {name} does not match its digest.")
    if kind == "sqlite":
        problems = _differences(manifest["tables"], sqlite_digests(dump))
        if problems:
            raise BackupError("The backup's database is damaged: " + "; ".join(problems))

    connections.close_all()
    if kind == "sqlite":
        target = Path(settings.DATABASES["default"]["NAME"])
        for leftover in (target, Path(f"{target}-wal"), Path(f"{target}-shm")):
            leftover.unlink(missing_ok=True)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(dump, target)
        found = sqlite_digests(target)
    else:
        args, env = _pg_env()
        _run(["pg_restore", "--no-owner", "--no-privileges", "--single-transaction",
              "--exit-on-error", *args, str(dump)], env)  # fmt: skip
        found = database_digests()
    rows = sum(n for n, _d in found.values())
    say(f"Database ({kind}): {len(found)} tables, {rows} rows restored.")
    if manifest["files"]:
        shutil.copytree(work / "media", media, dirs_exist_ok=True)
    say(f"Uploaded files: {len(manifest['files'])} restored.")

    key = secret.read_text()
    if os.getenv("SECRET_KEY"):
        if os.environ["SECRET_KEY"] != key:
            say(
                "SECRET_KEY is set and differs from the backed-up key: sessions, links and "
                "tokens signed before the backup will be refused until it is set to the key "
                "in the backup."
            )
    else:
        key_file = Path(settings.DATA_DIR) / "secret_key"
        key_file.write_text(key)
        key_file.chmod(0o600)
        say(f"Secret key restored to {key_file}.")

    problems = _differences(manifest["tables"], found)
    if problems:
        raise BackupError("The restored database differs from the backup: " + "; ".join(problems))
    say(
        f"Verified: {len(found)} tables and {len(manifest['files'])} files identical to the "
        f"backup of {manifest['created_at']}."
    )
    return {"tables": found, "files": manifest["files"], "manifest": manifest}
