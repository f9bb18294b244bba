"""Helpers for the API tests: URLs, JSON requests and reading the error body."""

import contextlib
from urllib.parse import urlencode

from django.test import Client
from django.urls import reverse

from wavelength.accounts.services import token_create
from wavelength.core.models import Activity, SearchEntry


def url(name: str, *args, **query) -> str:
    """``api:<name>`` reversed, with ``query`` as the query string."""
    path = reverse(f"api:{name}", args=args)
    return f"{path}?{urlencode(query, doseq=True)}" if query else path


def bearer_client(user, **kwargs) -> Client:
    """A client that sends a fresh personal token of ``user``."""
    _token, raw = token_create(actor=user, user=user, name="tests")
    return Client(headers={"Authorization": f"Bearer {raw}"}, **kwargs)


def post(client: Client, path: str, data=None):
    return client.post(path, data if data is not None else {}, content_type="application/json")


def patch(client: Client, path: str, data):
    return client.patch(path, data, content_type="application/json")


def errors(response) -> dict[str, str]:
    """The error body as ``{field: message}`` (and a check that it has the one shape)."""
    body = response.json()
    assert set(body) == {"detail"}, body
    assert all(set(item) == {"field", "message"} for item in body["detail"]), body
    return {item["field"]: item["message"] for item in body["detail"]}


@contextlib.contextmanager
def nothing_written(*models):
    """Assert the block leaves no activity, no search entry and no row of ``models`` behind."""
    tracked = [Activity, SearchEntry, *models]
    before = {m: list(m.objects.order_by("pk").values()) for m in tracked}
    yield
    for model in tracked:
        assert list(model.objects.order_by("pk").values()) == before[model], model.__name__
