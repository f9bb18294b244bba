"""A body sent without a length (``Transfer-Encoding: chunked``) is read to its end before
Django sees it; one over the limit is answered 413 and never reaches the application."""

import io
import json
from wsgiref.util import setup_testing_defaults

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from tests.integrations.conftest import eml
from wavelength.accounts.services import token_create
from wavelength.feedback.models import Feedback
from wavelength.wsgi import application


class Trickle(io.RawIOBase):
    """A request stream that gives a few bytes at a time and says nothing of its length,
    like gunicorn's reader of a chunked body."""

    def __init__(self, data: bytes, step: int = 7):
        self.data, self.step = data, step

    def read(self, size=-1):
        chunk, self.data = self.data[: self.step], self.data[self.step :]
        return chunk


def _call(path: str, body: bytes, **headers) -> tuple[str, bytes]:
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "HTTP_TRANSFER_ENCODING": "chunked",
        "wsgi.input": Trickle(body),
        **headers,
    }
    setup_testing_defaults(environ)
    environ.pop("CONTENT_LENGTH", None)
    answer = {}

    def start_response(status, response_headers):
        answer["status"] = status

    # As Django's test client does: the request must not close the test's transaction's
    # connection (PostgreSQL runs each test inside one).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        response = application(environ, start_response)
        content = b"".join(response)
        if hasattr(response, "close"):  # a Django response; the 413 is a plain list
            response.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return answer["status"], content


@pytest.mark.django_db
def test_a_chunked_email_reaches_the_inbox_whole(editor):
    _token, raw = token_create(actor=editor, user=editor, name="ci")
    status, content = _call(
        "/api/v1/feedback/email",
        eml(),
        CONTENT_TYPE="message/rfc822",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
        HTTP_HOST="localhost",
    )
    assert status.startswith("201"), content
    assert Feedback.objects.get().title == "Dark mode please"


@pytest.mark.django_db
def test_a_chunked_body_over_the_limit_is_refused_before_the_application(editor, settings):
    settings.CHUNKED_BODY_MAX_BYTES = 1024 * 1024
    _token, raw = token_create(actor=editor, user=editor, name="ci")
    status, content = _call(
        "/api/v1/feedback/email",
        b"x" * (1024 * 1024 + 1),
        CONTENT_TYPE="message/rfc822",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert status.startswith("413")
    assert json.loads(content) == {
        "detail": [{"field": "", "message": "The request body is larger than 1 MB."}]
    }
    assert not Feedback.objects.exists()
