"""Pages people read again and again, served without being built while nothing they show has
changed.

The most-read pages (home, a feature's page, the feedback inbox, the search) are decorated with
``@cached_page``. Their answer is kept, and served again only while every table the view read
is unchanged:

* **Writes are noticed at the database connection.** Every statement of every process (servers,
  workers, commands) goes through ``_track``. An ``INSERT``, ``UPDATE`` or ``DELETE`` gives its
  table a new *generation* (a random token in the ``Generation`` table) when its transaction
  commits; outside a transaction, when the request or background job that made it ends, or
  before the same connection next looks a page up. A write whose table cannot be told renews
  every table. Writes made with the ORM, ``update()``, bulk operations and raw SQL are all seen.
  Not seen: changes made to the database from outside Wavelength, and schema changes (a new
  version of Wavelength has new keys).
* **Reads are recorded while a kept page is built**: the tables named by the view's
  statements. A kept page holds the generations of those tables as they were *before* the view
  ran, so a write that commits while the page is being built makes it stale at once.
* **The key** is the person, their role, what their session holds, the language, the time
  zone, the minute (greetings, "3 minutes ago"), the path with its query, htmx's headers and
  Wavelength's version. A page is kept without its CSRF tokens and served with a token of the
  browser that asks, so one person's browsers share it. A page with a message waiting is
  neither kept nor served from the cache.

The pages are kept in the ``pages`` cache (a table of the database, or Redis with
``CACHE_URL``), shared by every server process, compressed; the generations are in the
database, so a write by any process is seen by all of them. A page is kept at most
``PAGE_CACHE_SECONDS`` (environment, default 300; 0 turns this off).
"""

import functools
import hashlib
import re
import threading
import uuid
import zlib
from dataclasses import dataclass

from celery.signals import task_postrun
from django.conf import settings
from django.contrib import messages
from django.core.cache import caches
from django.core.signals import request_finished
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.signals import connection_created
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone, translation

import wavelength

EVERY_TABLE = "*"  # renewed by statements that may change any table
_WRITE = re.compile(
    r'\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+"?(\w+)', re.I
)
_READ_ONLY = re.compile(
    r"\s*(?:SELECT|SAVEPOINT|RELEASE|ROLLBACK|BEGIN|COMMIT|SET|SHOW|EXPLAIN|PRAGMA|VALUES)\b",
    re.I,
)
_SCHEMA = re.compile(
    r"\s*(?:CREATE|ALTER|DROP|TRUNCATE|VACUUM|ANALYZE|REINDEX|COMMENT|GRANT|REVOKE|LOCK)\b", re.I
)
_WRITE_INSIDE = re.compile(r'\b(?:INSERT\s+INTO|UPDATE\s+"?\w+"?\s+SET|DELETE\s+FROM)\b', re.I)
_TABLES_READ = re.compile(r'\b(?:FROM|JOIN)\s+"?(\w+)', re.I)
_local = threading.local()


@functools.cache
def _untracked() -> frozenset[str]:
    """Tables whose writes change no page: the generations' own, the database cache's."""
    from .models import Generation

    caches_in_db = (
        config["LOCATION"]
        for config in settings.CACHES.values()
        if config["BACKEND"].endswith("DatabaseCache")
    )
    return frozenset([Generation._meta.db_table, *caches_in_db])


def _written(sql: str) -> str | None:
    """The table a statement writes, ``EVERY_TABLE`` when it cannot tell, ``None`` when it
    writes no row (reads, transactions, schema changes)."""
    sql = sql.lstrip(" \t\r\n(")  # a compound read starts "(SELECT" on PostgreSQL
    match = _WRITE.match(sql)
    if match:
        return match.group(1)
    if _READ_ONLY.match(sql) or _SCHEMA.match(sql):
        return None
    if sql.lstrip()[:4].upper() == "WITH" and not _WRITE_INSIDE.search(sql):
        return None
    return EVERY_TABLE


_ready = False


def _table_ready() -> bool:
    """Whether the generations' table exists yet (not while ``migrate`` builds the database)."""
    global _ready
    if not _ready:
        from .models import Generation

        names = connections[DEFAULT_DB_ALIAS].introspection.table_names()
        _ready = Generation._meta.db_table in names
    return _ready


def renew(tables) -> None:
    """Give ``tables`` new generations: every page kept with the old ones is stale."""
    from .models import Generation

    token = uuid.uuid4().hex
    Generation.objects.bulk_create(
        [Generation(table=t, token=token) for t in sorted(tables)],
        update_conflicts=True,
        unique_fields=["table"],
        update_fields=["token"],
    )


def flush_all(**kwargs) -> None:
    """Renew what every connection of this thread wrote outside a transaction (at the end of a
    request or a background job)."""
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:  # inside one, its commit renews them
            flush(connection.alias)


def flush(alias: str = DEFAULT_DB_ALIAS) -> None:
    """Renew the tables written on this connection since the last flush."""
    pending = getattr(connections[alias], "pagecache_pending", None)
    if pending and _table_ready():
        tables = set(pending)
        pending.clear()
        renew(tables)


def _track(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    table = _written(sql)
    connection = context["connection"]
    if table is None:
        recording = getattr(_local, "reads", None)
        if recording is not None:
            recording.update(set(_TABLES_READ.findall(sql)) - _untracked())
    elif table not in _untracked():
        connection.__dict__.setdefault("pagecache_pending", set()).add(table)
        if connection.in_atomic_block:
            # Renewed when the transaction commits and its rows become visible to others. Asked
            # again after a savepoint's rollback has dropped the request.
            renewal = connection.__dict__.setdefault(
                "pagecache_renewal", functools.partial(flush, connection.alias)
            )
            if not any(hook[1] is renewal for hook in connection.run_on_commit):
                transaction.on_commit(renewal, using=connection.alias)
    return result


def _install(sender, connection, **kwargs):
    if _track not in connection.execute_wrappers:
        connection.execute_wrappers.append(_track)


def install() -> None:
    """Watch every database connection's statements (called once, when the app is ready)."""
    connection_created.connect(_install, dispatch_uid="wavelength.pagecache")
    request_finished.connect(flush_all, dispatch_uid="wavelength.pagecache")
    task_postrun.connect(flush_all, dispatch_uid="wavelength.pagecache", weak=False)
    for connection in connections.all(initialized_only=True):
        _install(None, connection)


def _generations(tables: set[str]) -> dict[str, str]:
    """The current generation of each table; a table never written yet gets its first one."""
    from .models import Generation

    found = dict(Generation.objects.filter(table__in=tables).values_list("table", "token"))
    if missing := tables - set(found):
        Generation.objects.bulk_create(
            [Generation(table=t, token=uuid.uuid4().hex) for t in sorted(missing)],
            ignore_conflicts=True,
        )
        found = dict(Generation.objects.filter(table__in=tables).values_list("table", "token"))
    return found


@dataclass
class _Kept:
    generations: dict[str, str]
    status: int
    headers: list[tuple[str, str]]
    body: bytes  # compressed


# What a session holds that changes no page (an app adds its own, e.g. when the sign-in
# policy was last checked): left out of the key, so the same person's browsers share pages.
VOLATILE_SESSION_KEYS: set[str] = set()


def _key(request, view_name: str) -> str:
    user = request.user
    parts = [
        view_name,
        wavelength.__version__,
        str(user.pk),
        getattr(user, "role", ""),
        repr(sorted(i for i in request.session.items() if i[0] not in VOLATILE_SESSION_KEYS)),
        translation.get_language() or "",
        timezone.get_current_timezone_name(),
        timezone.now().strftime("%Y%m%d%H%M"),
        request.get_full_path(),
        *sorted(f"{k}={v}" for k, v in request.META.items() if k.startswith("HTTP_HX_")),
    ]
    return "page:" + hashlib.blake2b("\n".join(parts).encode(), digest_size=20).hexdigest()


# A page's forms carry a token of the browser's CSRF secret: kept without it, and given the
# token of the browser it is served to.
_TOKEN = re.compile(rb'(?:name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")([A-Za-z0-9]{64})"')
_PLACEHOLDER = b"\x00csrf\x00"


def _without_token(body: bytes) -> bytes:
    """The page without the CSRF tokens its forms carry (each part of a page rendered on its
    own masks the secret anew)."""
    return _TOKEN.sub(lambda found: found[0].replace(found[1], _PLACEHOLDER), body)


# The tables each decorated view has been seen to read, learnt as it runs (per process).
_learnt: dict[str, set[str]] = {}
# What every page depends on beyond what its view reads: the person (role, name) is loaded
# before the view runs.
_ALWAYS = {EVERY_TABLE, "accounts_user"}


def _usable(request) -> bool:
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method == "GET"
        and request.user.is_authenticated
        and not len(messages.get_messages(request))
    )


def cached_page(view):
    """Serve the view's answer again, without running it, while nothing it read has changed
    (see above)."""
    name = f"{view.__module__}.{view.__qualname__}"

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _usable(request):
            return view(request, *args, **kwargs)
        flush()  # this connection's own writes first (tests write and read in one transaction)
        pages = caches["pages"]
        key = _key(request, name)
        kept = pages.get(key)
        before = _generations(
            _learnt.get(name, set()) | _ALWAYS | (set(kept.generations) if kept else set())
        )
        if kept and all(before.get(t) == g for t, g in kept.generations.items()):
            body = zlib.decompress(kept.body).replace(_PLACEHOLDER, get_token(request).encode())
            response = HttpResponse(body, status=kept.status)
            for header, value in kept.headers:
                response.headers[header] = value
            return response
        _local.reads = set()
        try:
            response = view(request, *args, **kwargs)
        finally:
            read, _local.reads = _local.reads, None
        read |= _ALWAYS
        _learnt.setdefault(name, set()).update(read)
        whole = response.status_code == 200 and not response.streaming and not response.cookies
        if whole and read <= set(before):  # generations read before it was built
            pages.set(
                key,
                _Kept(
                    generations={t: before[t] for t in read},
                    status=response.status_code,
                    headers=[(h, v) for h, v in response.headers.items() if h != "Set-Cookie"],
                    body=zlib.compress(_without_token(response.content), 1),
                ),
                settings.PAGE_CACHE_SECONDS,
            )
        return response

    return wrapper
