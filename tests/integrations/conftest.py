"""Import fixtures: CSV and e-mail builders, and tasks that run as soon as a test commits."""

import pytest

from tests.api.utils import bearer_client
from wavelength.celery import app as celery_app


@pytest.fixture(autouse=True)
def _static_root(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STATIC_ROOT.mkdir()


@pytest.fixture(autouse=True)
def _no_broker(settings):
    """The embedded install: no broker, so a queued import runs in-process on commit."""
    settings.CELERY_BROKER_URL = ""
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = eager


@pytest.fixture
def editor_api(editor):
    return bearer_client(editor)


@pytest.fixture
def viewer_api(viewer):
    return bearer_client(viewer)


def csv_bytes(*rows: list[str], delimiter: str = ",", bom: bool = False) -> bytes:
    """A CSV file (quoting every cell) from rows of cells."""

    def cell(value: str) -> str:
        return '"' + value.replace('"', '""') + '"'

    text = "\r\n".join(delimiter.join(cell(c) for c in row) for row in rows) + "\r\n"
    return ("\ufeff" if bom else "").encode() + text.encode("utf-8")


def eml(
    *,
    sender: str = "Jane Doe <jane@acme.io>",
    subject: str = "Dark mode please",
    body: str = "Could you add a dark mode to the dashboard?",
    message_id: str = "<m1@acme.io>",
    date: str = "Tue, 03 Mar 2026 10:15:00 +0100",
    html: bool = False,
) -> bytes:
    headers = [f"From: {sender}"] if sender else []
    headers += [
        "To: feedback@wavelength.test",
        f"Subject: {subject}",
        f"Message-ID: {message_id}",
        f"Date: {date}",
        "MIME-Version: 1.0",
        f"Content-Type: text/{'html' if html else 'plain'}; charset=utf-8",
    ]
    return ("\r\n".join(headers) + "\r\n\r\n" + body + "\r\n").encode()
