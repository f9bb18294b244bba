"""Two-factor sign-in as a person meets it: set it up from the QR page with a code from the
app, keep the recovery codes, sign out, and sign in again with the password and a code."""

import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def _app_code(secret: str, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for ``secret`` now (or ``steps_ahead`` codes later)."""
    totp = TOTP(b32decode(secret))
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def test_set_up_two_factor_then_sign_in_with_a_code(page, sign_in, editor):
    sign_in(editor)
    page.locator(".user-menu summary").click()
    page.get_by_role("link", name="Two-factor sign-in").click()
    page.get_by_role("button", name="Set up two-factor sign-in").click()
    expect(page.locator(".qr-code svg")).to_be_visible()
    secret = page.locator("p.muted code").inner_text()

    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Turn two-factor sign-in on").click()
    expect(page.locator(".field-error")).to_contain_text("not the one your app shows")
    page.wait_for_timeout(2100)  # a wrong code makes the next try wait a second or two
    page.get_by_label("Code").fill(_app_code(secret))
    page.get_by_role("button", name="Turn two-factor sign-in on").click()
    expect(page.locator("#recovery-codes")).to_be_visible()
    assert len(page.locator("#recovery-codes").inner_text().split()) == 10

    page.locator(".user-menu summary").click()
    page.get_by_role("button", name="Sign out").click()
    page.goto("/accounts/login/")
    page.get_by_label("E-mail").fill(editor.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    page.get_by_label("Code").fill(_app_code(secret, steps_ahead=1))  # a code not used yet
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bob Editor")
