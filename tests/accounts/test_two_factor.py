"""Two-factor sign-in: an authenticator app (TOTP) set up with a QR code, a code asked after
the password, recovery codes, throttled wrong codes, and a workspace policy that makes it
mandatory for administrators."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import PASSWORD, client_for
from wavelength.accounts import services
from wavelength.accounts.models import SecurityPolicy
from wavelength.core.exceptions import DomainError
from wavelength.core.models import Activity

LOGIN = reverse("accounts:login")
CODE = reverse("accounts:login-code")
PAGE = reverse("accounts:two-factor")
NOON = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOON, tick=False) as traveller:
        yield traveller


def _code(device, at=None) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, 0):06d}"


def _enable(user) -> list[str]:
    services.two_factor_begin(actor=user)
    device = services.two_factor_device(user, confirmed=False)
    return services.two_factor_confirm(actor=user, code=_code(device))


def _password_step(client, user, next_url=""):
    data = {"username": user.email, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(LOGIN, data, REMOTE_ADDR="10.0.0.1")


# Setting it up ------------------------------------------------------------------------------


def test_set_up_with_a_qr_code_and_a_code_from_the_app(editor):
    client = client_for(editor)
    page = client.post(reverse("accounts:two-factor-begin"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html and "Scan this QR code" in html
    device = TOTPDevice.objects.get(user=editor, confirmed=False)
    assert re.search(r"<code>[A-Z2-7]{32,}</code>", html)  # the key, for typing by hand

    wrong = client.post(reverse("accounts:two-factor-confirm"), {"code": "000000"})
    assert wrong.status_code == 422
    assert "not the one your app shows" in wrong.content.decode()
    assert not services.two_factor_enabled(editor)

    with time_machine.travel(NOON + timedelta(seconds=3), tick=False):  # past the throttle
        done = client.post(reverse("accounts:two-factor-confirm"), {"code": _code(device)})
    assert done.status_code == 200
    assert services.two_factor_enabled(editor)
    shown = re.search(r'<code id="recovery-codes">([^<]+)</code>', done.content.decode())
    codes = shown.group(1).split()
    assert len(codes) == services.RECOVERY_CODES
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(codes)
    assert Activity.objects.filter(verb="two_factor_enabled", target_id=editor.pk).exists()
    assert "Two-factor sign-in is on" in client.get(PAGE).content.decode()
    assert 'id="recovery-codes"' not in client.get(PAGE).content.decode()  # shown once


def test_starting_again_replaces_the_secret_and_a_second_set_up_is_refused(editor):
    first = services.two_factor_begin(actor=editor)
    second = services.two_factor_begin(actor=editor)
    assert list(TOTPDevice.objects.filter(user=editor)) == [second] and first.key != second.key
    services.two_factor_confirm(actor=editor, code=_code(second))
    with pytest.raises(DomainError, match="already on"):
        services.two_factor_begin(actor=editor)


# Signing in ---------------------------------------------------------------------------------


def test_the_password_alone_does_not_sign_in_the_code_does(editor):
    _enable(editor)
    client = Client()
    answer = _password_step(client, editor, next_url="/features/")
    assert answer["Location"] == CODE
    assert "_auth_user_id" not in client.session
    assert client.get("/features/")["Location"].startswith(LOGIN)

    device = services.two_factor_device(editor)
    with time_machine.travel(NOON + timedelta(seconds=31), tick=False):  # the next code
        wrong = client.post(CODE, {"code": "123456"})
        assert wrong.status_code == 422 and "_auth_user_id" not in client.session
    with time_machine.travel(NOON + timedelta(seconds=65), tick=False):
        done = client.post(CODE, {"code": _code(device)})
    assert done["Location"] == "/features/"
    assert client.session["_auth_user_id"] == str(editor.pk)
    assert client.get("/features/").status_code == 200


def test_wrong_codes_in_a_row_make_the_next_try_wait(editor):
    _enable(editor)
    client = Client()
    _password_step(client, editor)
    device = services.two_factor_device(editor)
    with time_machine.travel(NOON + timedelta(seconds=31), tick=False):
        client.post(CODE, {"code": "111111"})
        client.post(CODE, {"code": "222222"})
        refused = client.post(CODE, {"code": _code(device)})  # right, but too soon
    assert refused.status_code == 422
    assert "Too many wrong codes" in refused.content.decode()
    with time_machine.travel(NOON + timedelta(seconds=61), tick=False):
        assert client.post(CODE, {"code": _code(device)}).status_code == 302


def test_a_recovery_code_signs_in_once(editor):
    codes = _enable(editor)
    for attempt, expected in [(1, 302), (2, 422)]:
        client = Client()
        _password_step(client, editor)
        with time_machine.travel(NOON + timedelta(seconds=10 * attempt), tick=False):
            answer = client.post(CODE, {"code": codes[0].upper()}, follow=False)
        assert answer.status_code == expected
    assert StaticToken.objects.filter(device__user=editor).count() == services.RECOVERY_CODES - 1


def test_the_code_step_expires_after_five_minutes(editor):
    _enable(editor)
    client = Client()
    _password_step(client, editor)
    device = services.two_factor_device(editor)
    with time_machine.travel(NOON + timedelta(minutes=6), tick=False):
        answer = client.post(CODE, {"code": _code(device)})
    assert answer["Location"] == LOGIN
    assert "_auth_user_id" not in client.session


def test_the_code_page_without_a_password_step_sends_back_to_sign_in(db):
    assert Client().get(CODE)["Location"] == LOGIN


def test_people_without_two_factor_sign_in_with_the_password(viewer):
    client = Client()
    assert _password_step(client, viewer)["Location"] == reverse("core:home")
    assert client.session["_auth_user_id"] == str(viewer.pk)


# Keeping it, turning it off ----------------------------------------------------------------


def test_turning_it_off_or_new_codes_ask_for_the_password(editor):
    old = _enable(editor)
    client = client_for(editor)
    url = reverse("accounts:two-factor-disable")
    refused = client.post(url, {"password": "not-mine"})
    assert refused.status_code == 422 and "not yours" in refused.content.decode()
    assert services.two_factor_enabled(editor)

    renewed = client.post(reverse("accounts:two-factor-recovery-codes"), {"password": PASSWORD})
    assert renewed.status_code == 200
    assert not StaticToken.objects.filter(token__in=old).exists()
    assert StaticToken.objects.filter(device__user=editor).count() == services.RECOVERY_CODES

    assert client.post(url, {"password": PASSWORD})["Location"] == PAGE
    assert not services.two_factor_enabled(editor)
    assert not StaticToken.objects.filter(device__user=editor).exists()


def test_an_admin_resets_someones_two_factor_others_cannot(admin, editor, viewer):
    _enable(editor)
    url = reverse("accounts:user-two-factor-reset", args=[editor.pk])
    assert client_for(viewer).post(url).status_code == 403
    assert services.two_factor_enabled(editor)
    people = client_for(admin).get(reverse("accounts:user-list")).content.decode()
    assert url in people
    assert client_for(admin).post(url)["Location"] == reverse("accounts:user-list")
    assert not services.two_factor_enabled(editor)
    assert Activity.objects.filter(verb="two_factor_reset", actor=admin).exists()


# The workspace policy -----------------------------------------------------------------------


def test_requiring_it_of_administrators(admin, editor, viewer):
    from tests.factories import UserFactory
    from wavelength.accounts.models import Role

    other_admin = UserFactory(email="dana@example.com", role=Role.ADMIN)
    policy_url = reverse("accounts:security-policy-edit")
    form = {"admins_need_two_factor": "on", "edit_version": ""}
    refused = client_for(admin).post(policy_url, form)
    assert refused.status_code == 422 and "for yourself first" in refused.content.decode()
    assert not SecurityPolicy.current().admins_need_two_factor
    assert client_for(editor).post(policy_url, form).status_code == 403

    _enable(admin)
    assert client_for(admin).post(policy_url, form)["Location"] == PAGE
    assert SecurityPolicy.current().admins_need_two_factor

    dana = client_for(other_admin)
    assert dana.get("/features/")["Location"] == PAGE
    assert dana.get(PAGE).status_code == 200
    assert "requires two-factor sign-in of administrators" in dana.get(PAGE).content.decode()
    assert dana.get("/api/v1/features").status_code == 403
    assert client_for(viewer).get("/features/").status_code == 200  # not an administrator

    with pytest.raises(DomainError, match="must use two-factor"):
        services.two_factor_disable(actor=admin, password=PASSWORD)


def test_a_stale_policy_form_is_refused(admin):
    _enable(admin)
    client = client_for(admin)
    page = client.get(reverse("accounts:security-policy-edit")).content.decode()
    version = re.search(r'name="edit_version" value="([0-9a-f]+)"', page).group(1)
    services.security_policy_update(actor=admin, admins_need_two_factor=True)
    stale = client.post(
        reverse("accounts:security-policy-edit"),
        {"admins_need_two_factor": "", "edit_version": version},
    )
    assert stale.status_code == 422 and "Someone else saved this" in stale.content.decode()
    assert SecurityPolicy.current().admins_need_two_factor
