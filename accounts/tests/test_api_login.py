"""Logging in to the API for a token: expiring tokens, the rate limit per address, the lockout per user."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from ptw.tests.conftest import API

TOKEN_URL = "/api/v1/auth/token/"
RIGHT = "pass12345"  # the factories' password


def log_in(client: APIClient, password: str, username: str = "creator", **extra):
    return client.post(TOKEN_URL, {"username": username, "password": password}, format="json", **extra)


def token_client(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_a_user_exchanges_username_and_password_for_an_expiring_token_that_opens_the_api(api_client, creator):
    before = timezone.now()
    response = log_in(api_client, RIGHT)

    assert response.status_code == 200 and set(response.data) == {"token", "expiry"}
    expiry = AuthToken.objects.get(user=creator).expiry
    assert before + timedelta(hours=12) <= expiry <= timezone.now() + timedelta(hours=12)
    assert token_client(response.data["token"]).get(f"{API}/projects/").status_code == 200
    assert "sessionid" not in response.cookies  # an API log-in opens no web session
    creator.refresh_from_db()
    assert creator.last_login >= before


def test_only_a_digest_of_the_token_is_stored(api_client, creator):
    token = log_in(api_client, RIGHT).data["token"]

    stored = AuthToken.objects.get(user=creator)
    assert token not in (stored.digest, stored.token_key) and token.startswith(stored.token_key)


def test_a_wrong_password_gets_no_token(api_client, creator):
    response = log_in(api_client, "guess")

    assert response.status_code == 400
    assert response.data == {"non_field_errors": ["The username or password is wrong."]}
    assert not AuthToken.objects.exists()


def test_an_inactive_user_gets_no_token(api_client, creator):
    creator.is_active = False
    creator.save()

    assert log_in(api_client, RIGHT).status_code == 400


def test_missing_or_absurd_fields_are_field_errors(api_client, creator):
    response = api_client.post(TOKEN_URL, {"username": "creator"}, format="json")
    assert response.status_code == 400 and "password" in response.data

    response = api_client.post(TOKEN_URL, {"username": ["creator"], "password": "x" * 5000}, format="json")
    assert response.status_code == 400 and {"username", "password"} <= set(response.data)


@pytest.mark.parametrize(
    "header",
    ["Token not-a-real-token", "Token", "Token a b", "Token " + "f" * 64, "Token " + "é" * 70, "Token " + "0" * 10_000],
)
def test_a_made_up_or_malformed_token_is_refused_with_401(project, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)

    response = client.get(f"{API}/permits/")

    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"


def test_an_anonymous_call_is_refused_with_401(api_client, project):
    assert api_client.get(f"{API}/permits/").status_code == 401


# --- Lockout (django-axes): LOGIN_FAILURE_LIMIT = 5 wrong passwords, LOGIN_LOCKOUT_MINUTES = 15 ---


def test_the_sixth_attempt_after_five_wrong_passwords_is_refused_even_with_the_right_password(api_client, creator):
    codes = [log_in(api_client, f"wrong-{n}").status_code for n in range(5)]

    refused = log_in(api_client, RIGHT)

    assert codes == [400, 400, 400, 400, 429]  # the fifth failure locks at once, and says so
    assert refused.status_code == 429
    assert refused.data["detail"].startswith("Too many failed log-ins for this username from your address")
    assert 895 <= int(refused["Retry-After"]) <= 900
    assert f"Try again in {refused['Retry-After']} seconds." in refused.data["detail"]
    assert not AuthToken.objects.exists()


def test_the_lockout_ends_after_the_cool_off_and_not_before(api_client, creator):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for n in range(5):
            log_in(api_client, f"wrong-{n}")

        clock.shift(timedelta(minutes=14, seconds=58))
        still = log_in(api_client, RIGHT)
        assert still.status_code == 429 and int(still["Retry-After"]) == 2

        clock.shift(timedelta(seconds=3))
        assert log_in(api_client, RIGHT).status_code == 200


def test_attempts_during_a_lockout_do_not_extend_it(api_client, creator):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for n in range(5):
            log_in(api_client, f"wrong-{n}")
        clock.shift(timedelta(minutes=10))
        for n in range(3):
            assert log_in(api_client, f"again-{n}").status_code == 429

        clock.shift(timedelta(minutes=5, seconds=1))
        assert log_in(api_client, RIGHT).status_code == 200


def test_a_lockout_holds_one_username_from_one_address_only(api_client, creator, verifier):
    for n in range(5):
        log_in(api_client, f"wrong-{n}")

    assert log_in(api_client, RIGHT, REMOTE_ADDR="198.51.100.7").status_code == 200  # the user, elsewhere
    assert log_in(api_client, RIGHT, username="verifier").status_code == 200  # a colleague, same address


def test_a_username_that_does_not_exist_locks_the_same_way(api_client, project):
    codes = [log_in(api_client, "guess", username="nobody").status_code for _ in range(6)]

    assert codes == [400, 400, 400, 400, 429, 429]  # nothing tells whether the user exists


def test_a_successful_log_in_clears_the_failures_before_it(api_client, creator):
    for n in range(4):
        log_in(api_client, f"wrong-{n}")
    assert log_in(api_client, RIGHT).status_code == 200

    assert [log_in(api_client, f"later-{n}").status_code for n in range(4)] == [400] * 4


def test_a_forged_x_forwarded_for_does_not_dodge_the_lockout(api_client, creator):
    for n in range(5):
        log_in(api_client, f"wrong-{n}", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")

    assert log_in(api_client, RIGHT, HTTP_X_FORWARDED_FOR="203.0.113.99").status_code == 429


# --- Rate limit per address (LOGIN_RATE) ---


def test_over_the_rate_an_address_is_refused_with_429_and_retry_after(api_client, creator, verifier, settings):
    settings.LOGIN_RATE = "3/minute"
    with time_machine.travel(timezone.now(), tick=False) as clock:
        codes = [log_in(api_client, RIGHT, username=name).status_code for name in ("creator", "verifier", "creator")]
        refused = log_in(api_client, RIGHT, username="verifier")

        assert codes == [200, 200, 200]
        assert refused.status_code == 429 and refused["Retry-After"] == "60"
        assert refused.data["detail"] == "Too many log-in attempts from your address. Try again in 60 seconds."
        assert log_in(api_client, RIGHT, REMOTE_ADDR="198.51.100.7").status_code == 200  # another address

        clock.shift(timedelta(seconds=61))
        assert log_in(api_client, RIGHT, username="verifier").status_code == 200


def test_behind_trusted_proxies_the_address_they_saw_is_the_one_limited(api_client, creator, settings):
    settings.LOGIN_RATE = "1/minute"
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    proxy = {"REMOTE_ADDR": "10.0.0.2"}

    assert log_in(api_client, RIGHT, HTTP_X_FORWARDED_FOR="198.51.100.1", **proxy).status_code == 200
    assert log_in(api_client, RIGHT, HTTP_X_FORWARDED_FOR="198.51.100.2", **proxy).status_code == 200
    # A client's own X-Forwarded-For entries come first; the proxy appends the address it saw.
    forged = log_in(api_client, RIGHT, HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.1", **proxy)
    assert forged.status_code == 429
