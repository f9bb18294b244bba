"""Sign-in resists guessing: wrong passwords pause sign-in per account and per address, with a
clear message, and an administrator can let the person in again."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD, client_for
from wavelength.accounts.signin import locked_out_emails
from wavelength.core.models import Activity

LOGIN = "/accounts/login/"


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.AXES_FAILURE_LIMIT = 5
    settings.SIGNIN_ADDRESS_FAILURE_LIMIT = 20


def _try(client, email, password, address="10.0.0.1"):
    return client.post(LOGIN, {"username": email, "password": password}, REMOTE_ADDR=address)


def test_twelve_wrong_passwords_lock_the_account_even_with_the_right_one(editor):
    client = Client()
    answers = [_try(client, editor.email, f"wrong-{n}").status_code for n in range(12)]
    assert answers[:4] == [200] * 4  # the form again, with its error
    assert set(answers[5:]) == {429}
    refused = _try(client, editor.email, PASSWORD)
    assert refused.status_code == 429
    assert "Sign-in paused" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    assert editor.email in locked_out_emails()


def test_case_and_spaces_do_not_make_another_account(editor):
    client = Client()
    for n, email in enumerate([editor.email.upper(), f" {editor.email}", editor.email] * 2):
        _try(client, email, f"wrong-{n}", address=f"10.0.0.{n + 1}")
    assert _try(client, editor.email, PASSWORD, address="10.0.1.1").status_code == 429


def test_one_address_guessing_many_accounts_is_paused(editor, viewer, admin):
    for n in range(20):
        _try(Client(), f"nobody{n}@example.com", "guess", address="10.9.9.9")
    assert _try(Client(), admin.email, PASSWORD, address="10.9.9.9").status_code == 429
    assert _try(Client(), admin.email, PASSWORD, address="10.1.1.1").status_code == 302


def test_an_office_behind_one_address_is_not_paused_by_a_few_typos(editor, viewer):
    for n in range(4):
        _try(Client(), editor.email, f"typo-{n}", address="10.7.7.7")
    for n in range(4):
        _try(Client(), f"someone{n}@example.com", "typo", address="10.7.7.7")
    assert _try(Client(), viewer.email, PASSWORD, address="10.7.7.7").status_code == 302


def test_a_right_password_before_the_limit_forgets_the_failures(editor):
    client = Client()
    for n in range(4):
        _try(client, editor.email, f"wrong-{n}")
    assert _try(client, editor.email, PASSWORD).status_code == 302
    for n in range(4):
        _try(Client(), editor.email, f"again-{n}")
    assert _try(Client(), editor.email, PASSWORD).status_code == 302


def test_the_lockout_ends_after_the_cool_off(editor, settings):
    import datetime as dt

    import time_machine

    for n in range(5):
        _try(Client(), editor.email, f"wrong-{n}")
    assert _try(Client(), editor.email, PASSWORD).status_code == 429
    later = dt.datetime.now(dt.UTC) + settings.AXES_COOLOFF_TIME + dt.timedelta(minutes=1)
    with time_machine.travel(later):
        assert _try(Client(), editor.email, PASSWORD).status_code == 302


def test_an_admin_unlocks_a_person_from_the_people_page(admin, editor):
    for n in range(6):
        _try(Client(), editor.email, f"wrong-{n}")
    people = client_for(admin).get(reverse("accounts:user-list")).content.decode()
    assert "Sign-in paused" in people
    assert reverse("accounts:user-unlock", args=[editor.pk]) in people

    response = client_for(admin).post(reverse("accounts:user-unlock", args=[editor.pk]))
    assert response.status_code == 302
    assert editor.email not in locked_out_emails()
    assert Activity.objects.filter(verb="unlocked", target_id=editor.pk).exists()
    # The address the guesses came from is still paused; the person signs in from their own.
    assert _try(Client(), editor.email, PASSWORD, address="10.2.2.2").status_code == 302


def test_only_admins_unlock(editor, viewer):
    for n in range(6):
        _try(Client(), viewer.email, f"wrong-{n}")
    response = client_for(editor).post(reverse("accounts:user-unlock", args=[viewer.pk]))
    assert response.status_code == 403
    assert viewer.email in locked_out_emails()
    assert "Sign-in paused" not in client_for(editor).get(reverse("accounts:user-list")).text
