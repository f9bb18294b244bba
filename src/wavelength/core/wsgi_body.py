"""Bodies sent without a length (``Transfer-Encoding: chunked``, as ``curl -T -`` or a CI job
piping a report does) reach Django whole.

Django reads exactly ``CONTENT_LENGTH`` bytes of a request and treats a missing length as an
empty body, so a chunked upload arrived as "The report is empty". This WSGI wrapper reads such
a body to its end first (into a temporary file past one megabyte, never past the limit), sets
its length and hands Django an ordinary request. A body over the limit is answered 413 without
reaching the application."""

import json
import tempfile

from django.conf import settings

SPOOL_BYTES = 1024 * 1024
READ_BYTES = 64 * 1024


def _too_large(environ, start_response, limit: int):
    message = f"The request body is larger than {limit // (1024 * 1024)} MB."
    if environ.get("PATH_INFO", "").startswith("/api/"):
        body = json.dumps({"detail": [{"field": "", "message": message}]}).encode()
        content_type = "application/json"
    else:
        body, content_type = message.encode(), "text/plain; charset=utf-8"
    start_response(
        "413 Request Entity Too Large",
        [("Content-Type", content_type), ("Content-Length", str(len(body)))],
    )
    return [body]


class ChunkedBody:
    """Wrap a WSGI application so that chunked request bodies have a length."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if not chunked or environ.get("CONTENT_LENGTH"):
            return self.application(environ, start_response)
        limit = settings.CHUNKED_BODY_MAX_BYTES
        body = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - kept open for the request
        stream, size = environ["wsgi.input"], 0
        while chunk := stream.read(READ_BYTES):
            size += len(chunk)
            if size > limit:
                body.close()
                return _too_large(environ, start_response, limit)
            body.write(chunk)
        body.seek(0)
        environ = {**environ, "wsgi.input": body, "CONTENT_LENGTH": str(size)}
        return self.application(environ, start_response)
