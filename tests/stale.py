"""Shared checks for stale writes (see core.versioning): an API read answers an ETag and a
write built on an older one is a 412 that changes nothing; an edit page carries the version it
was built from and a stale save shows both versions, keeps what was typed and changes nothing."""

import re
from dataclasses import dataclass
from typing import Any

from tests.api.utils import errors, url

STALE = "Someone else saved this"


def rows(model, **filters) -> list[dict]:
    return list(model.objects.filter(**filters).order_by("pk").values())


@dataclass
class ApiCase:
    """How to read one kind of object and change it twice through the API."""

    read: str  # url name of the GET
    write: str  # url name of the change
    method: str  # patch or put
    first: dict  # a change
    second: dict  # another change, refused when built on the read before ``first``
    model: type
    admin: bool = False  # only administrators may change it


def write(api, kind: ApiCase, args, data, etag=None):
    headers = {"If-Match": etag} if etag else {}
    call = getattr(api, kind.method)
    return call(url(kind.write, *args), data, content_type="application/json", headers=headers)


def assert_api_refuses_a_stale_if_match(kind: ApiCase, args, api) -> None:
    read = api.get(url(kind.read, *args))
    assert read.status_code == 200
    etag = read.headers["ETag"]
    assert re.fullmatch(r'"[0-9a-f]{16}"', etag)

    first = write(api, kind, args, kind.first, etag)
    assert first.status_code == 200, first.content
    assert first.headers["ETag"] not in ("", etag)
    assert api.get(url(kind.read, *args)).headers["ETag"] == first.headers["ETag"]

    saved = rows(kind.model)
    stale = write(api, kind, args, kind.second, etag)
    assert stale.status_code == 412
    assert STALE in errors(stale)["edit_version"]
    assert rows(kind.model) == saved  # nothing changed

    fresh = write(api, kind, args, kind.second, first.headers["ETag"])
    assert fresh.status_code == 200 and fresh.headers["ETag"] != first.headers["ETag"]
    assert rows(kind.model) != saved


def assert_api_writes_without_if_match(kind: ApiCase, args, api) -> None:
    assert write(api, kind, args, kind.first).status_code == 200
    response = write(api, kind, args, kind.second)
    assert response.status_code == 200
    assert response.headers["ETag"] == api.get(url(kind.read, *args)).headers["ETag"]


def version_in(html: str, form_id: str = "") -> str:
    """The version an edit form carries (the one whose fields' ids start with ``form_id``)."""
    pattern = r'name="edit_version" value="([0-9a-f]{16})"'
    found = re.search(pattern + (f' id="{form_id}' if form_id else ""), html)
    assert found, "the edit form carries no version"
    return found.group(1)


def assert_stale_save_refused(
    client, path: str, data: dict[str, Any], *, theirs, saved: str, typed: str, rows, form_id=""
):
    """Open the form, let someone else save (``theirs``), then post ``data`` built on the
    page: refused with both versions shown, what was typed kept and nothing changed."""
    version = version_in(client.get(path).text, form_id)
    theirs()
    before = rows()
    response = client.post(path, {**data, "edit_version": version})
    html = response.content.decode()
    assert response.status_code == 422
    assert STALE in html and 'class="conflict-saved"' in html
    assert saved in html  # their version, beside yours
    assert typed in html  # nothing typed is lost
    assert rows() == before
    assert version_in(html, form_id) != version  # saving again keeps what was typed
