"""The login page and the admin's: a lockout after five wrong passwords, a rate limit per address,
each refused with a 429, a Retry-After and a sentence on the page (not a bare error)."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.utils import timezone

pytestmark = pytest.mark.django_db

RIGHT = "pass12345"


def post_login(client, password: str, username: str = "creator", url: str = "/accounts/login/"):
    return client.post(url, {"username": username, "password": password})


def test_five_wrong_passwords_lock_the_page_even_for_the_right_one(client, creator):
    responses = [post_login(client, f"wrong-{n}") for n in range(5)]

    refused = post_login(client, RIGHT)

    assert [r.status_code for r in responses] == [200, 200, 200, 200, 429]
    assert refused.status_code == 429 and 895 <= int(refused["Retry-After"]) <= 900
    html = refused.content.decode()
    assert (
        "Too many failed log-ins for “creator” from your address: logging in as this user from here is "
        "blocked for 15 minutes. If you have forgotten your password, ask a site administrator." in html
    )
    assert 'id="login-refusal"' in html and 'name="username"' in html  # the page, with its form
    assert SESSION_KEY not in client.session


def test_the_page_lets_the_user_in_after_the_cool_off(client, creator):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for n in range(5):
            post_login(client, f"wrong-{n}")
        clock.shift(timedelta(minutes=14))
        assert "blocked for 60 seconds" in post_login(client, RIGHT).content.decode()

        clock.shift(timedelta(minutes=1, seconds=1))
        response = post_login(client, RIGHT)

    assert response.status_code == 302 and response.url == "/"  # LOGIN_REDIRECT_URL: the home page


def test_the_page_and_the_api_share_the_lockout(client, api_client, creator):
    for n in range(5):
        api_client.post("/api/v1/auth/token/", {"username": "creator", "password": f"wrong-{n}"}, format="json")

    assert post_login(client, RIGHT).status_code == 429


def test_over_the_rate_the_page_asks_to_wait(client, creator, settings):
    settings.LOGIN_RATE = "2/minute"
    post_login(client, "wrong")
    post_login(client, "wrong")

    refused = post_login(client, RIGHT)

    assert refused.status_code == 429 and refused["Retry-After"] == "60"
    assert "Too many log-in attempts from your address. Wait 60 seconds and try again." in refused.content.decode()
    assert client.get("/accounts/login/").status_code == 200  # looking at the page is not an attempt


def test_the_admin_login_is_locked_and_rate_limited_too(client, django_user_model, settings):
    django_user_model.objects.create_superuser("root", "root@example.com", RIGHT)
    codes = [post_login(client, f"wrong-{n}", username="root", url="/admin/login/").status_code for n in range(6)]
    assert codes == [200, 200, 200, 200, 429, 429]

    settings.LOGIN_RATE = "1/minute"
    client.post("/admin/login/", {"username": "someone", "password": "x"}, REMOTE_ADDR="198.51.100.3")
    refused = client.post("/admin/login/", {"username": "root", "password": RIGHT}, REMOTE_ADDR="198.51.100.3")
    assert refused.status_code == 429 and "Too many log-in attempts" in refused.content.decode()
