"""Changing a password (API, web page, admin): the password rules apply, and every API token dies."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts.passwords import change_password
from accounts.tokens import issue_token

from .test_api_login import RIGHT, token_client

PASSWORD_API = "/api/v1/auth/password/"
PASSWORD_PAGE = "/accounts/password/"
OPENS = "/api/v1/ptw/projects/"
NEW = "Cobalt-ladder-57"


def change(client: APIClient, old: str = RIGHT, new: str = NEW):
    return client.post(PASSWORD_API, {"old_password": old, "new_password": new}, format="json")


def test_the_service_sets_the_password_and_revokes_every_token(creator, verifier):
    issue_token(user=creator)
    issue_token(user=creator)
    issue_token(user=verifier)

    assert change_password(user=creator, new_password=NEW) == 2

    creator.refresh_from_db()
    assert creator.check_password(NEW)
    assert not AuthToken.objects.filter(user=creator).exists()
    assert AuthToken.objects.filter(user=verifier).count() == 1


def test_changing_my_password_through_the_api_revokes_all_my_tokens_this_one_too(creator):
    client = token_client(issue_token(user=creator)[1])
    other = token_client(issue_token(user=creator)[1])

    response = change(client)

    assert response.status_code == 200
    assert response.data == {
        "detail": "Your password was changed. Your API tokens were revoked: log in again for a new one.",
        "revoked_tokens": 2,
    }
    assert client.get(OPENS).status_code == 401 and other.get(OPENS).status_code == 401
    login = APIClient().post("/api/v1/auth/token/", {"username": "creator", "password": NEW}, format="json")
    assert login.status_code == 200


def test_a_session_that_changes_the_password_stays_logged_in_and_the_others_end(creator):
    this, other = APIClient(), APIClient()
    for client in (this, other):
        client.force_login(creator)

    assert change(this).status_code == 200

    assert this.get(OPENS).status_code == 200
    assert other.get(OPENS).status_code == 401


def test_a_wrong_old_password_changes_nothing(creator):
    client = token_client(issue_token(user=creator)[1])

    response = change(client, old="not-it")

    assert response.status_code == 400
    assert response.data == {"old_password": ["Your old password was entered incorrectly. Please enter it again."]}
    assert client.get(OPENS).status_code == 200
    creator.refresh_from_db()
    assert creator.check_password(RIGHT)


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("Sh0rt-pw", "This password is too short. It must contain at least 12 characters."),
        ("password1234", "This password is too common."),
        ("748395061728", "This password is entirely numeric."),
        ("creator-example", "The password is too similar to the"),
        (RIGHT, "The new password must differ from the old one."),
        ("", "This field may not be blank."),
    ],
)
def test_the_password_rules_refuse_a_weak_new_password(creator, new, message):
    client = token_client(issue_token(user=creator)[1])

    response = change(client, new=new)

    assert response.status_code == 400
    assert any(error.startswith(message) for error in response.data["new_password"]), response.data
    assert client.get(OPENS).status_code == 200


def test_too_many_password_changes_are_refused_with_429(creator, settings):
    settings.PASSWORD_CHANGE_RATE = "2/hour"
    client = APIClient()
    client.force_authenticate(creator)

    codes = [change(client, old="guess").status_code for _ in range(3)]

    assert codes == [400, 400, 429]


# --- The web page ---


def test_the_page_changes_the_password_keeps_me_logged_in_and_revokes_my_tokens(client: Client, creator):
    token = issue_token(user=creator)[1]
    client.force_login(creator)
    page = client.get(PASSWORD_PAGE)
    assert page.status_code == 200 and b"Change password" in page.content

    response = client.post(
        PASSWORD_PAGE, {"old_password": RIGHT, "new_password1": NEW, "new_password2": NEW}, follow=True
    )

    assert response.redirect_chain[-1][0] == "/dashboard/ptw/"
    assert b"Your password was changed. Your other sessions and API tokens were ended." in response.content
    assert SESSION_KEY in client.session
    assert token_client(token).get(OPENS).status_code == 401


def test_the_page_shows_the_password_rules_errors(client: Client, creator):
    client.force_login(creator)

    response = client.post(
        PASSWORD_PAGE, {"old_password": RIGHT, "new_password1": "password1234", "new_password2": "password1234"}
    )

    assert response.status_code == 200 and b"This password is too common." in response.content
    creator.refresh_from_db()
    assert creator.check_password(RIGHT)


def test_the_page_refuses_too_many_attempts_with_a_sentence(client: Client, creator, settings):
    settings.PASSWORD_CHANGE_RATE = "1/hour"
    client.force_login(creator)
    client.post(PASSWORD_PAGE, {"old_password": "guess", "new_password1": NEW, "new_password2": NEW})

    response = client.post(PASSWORD_PAGE, {"old_password": RIGHT, "new_password1": NEW, "new_password2": NEW})

    assert response.status_code == 429 and int(response["Retry-After"]) > 3500
    assert "Too many password changes. Wait 60 minutes and try again." in response.content.decode()


def test_the_page_wants_a_logged_in_user(client: Client, db):
    assert client.get(PASSWORD_PAGE)["Location"].startswith("/accounts/login/")


# --- The admin ---


def test_an_admin_setting_a_users_password_revokes_their_tokens(client: Client, creator, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "x")
    token = issue_token(user=creator)[1]
    client.force_login(admin)

    response = client.post(
        f"/admin/accounts/user/{creator.pk}/password/",
        {"usable_password": "true", "password1": NEW, "password2": NEW},
    )

    assert response.status_code == 302
    assert token_client(token).get(OPENS).status_code == 401
    creator.refresh_from_db()
    assert creator.check_password(NEW)


def test_an_admin_disabling_password_log_in_revokes_the_tokens_too(client: Client, creator, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "x")
    token = issue_token(user=creator)[1]
    client.force_login(admin)

    client.post(f"/admin/accounts/user/{creator.pk}/password/", {"usable_password": "false", "unset-password": "1"})

    creator.refresh_from_db()
    assert not creator.has_usable_password()
    assert token_client(token).get(OPENS).status_code == 401
