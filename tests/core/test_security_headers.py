"""Headers every answer carries: pages for signed-in people and the API are never stored, the
API docs page runs under the same Content-Security-Policy, HSTS behind TLS."""

from django.test import Client

from tests.conftest import client_for


def test_signed_in_pages_and_api_answers_are_not_stored(db, editor):
    assert client_for(editor).get("/").headers["Cache-Control"] == "no-store"
    assert client_for(editor).get("/api/v1/me").headers["Cache-Control"] == "no-store"
    assert Client().get("/api/v1/me").headers["Cache-Control"] == "no-store"  # a 401 too


def test_public_pages_keep_their_caching(db):
    response = Client().get("/portal/")
    assert response.status_code in (200, 404)  # 404 while the portal is switched off
    assert "no-store" not in response.headers.get("Cache-Control", "")


def test_the_api_docs_page_has_the_content_security_policy(db):
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "default-src 'self'" in policy


def test_hsts_is_sent_over_https_when_cookies_are_secure(db, settings):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    response = Client().get("/accounts/login/", secure=True)
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "Strict-Transport-Security" not in Client().get("/accounts/login/").headers
