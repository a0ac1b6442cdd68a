"""API tokens after log-in: they expire, logout revokes, and one lists and revokes one's own (never another's)."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts.tokens import issue_token

from .test_api_login import RIGHT, log_in, token_client

AUTH = "/api/v1/auth"
OPENS = "/api/v1/ptw/projects/"  # any endpoint that wants a logged-in user


@pytest.fixture
def token_of():
    """token_of(user) → a new token's secret, issued by the service as a log-in would."""
    return lambda user: issue_token(user=user)[1]


def test_a_token_stops_working_when_it_expires(creator, token_of):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = token_client(token_of(creator))
        clock.shift(timedelta(hours=11, minutes=59))
        assert client.get(OPENS).status_code == 200

        clock.shift(timedelta(minutes=2))
        response = client.get(OPENS)

    assert response.status_code == 401 and response.data["detail"] == "Invalid token."
    assert not AuthToken.objects.filter(user=creator).exists()  # knox deletes an expired token it meets


def test_the_lifetime_follows_api_token_ttl_hours(creator, settings):
    settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_TTL": timedelta(hours=1)}

    token, _ = issue_token(user=creator)

    assert token.expiry - token.created == pytest.approx(timedelta(hours=1), abs=timedelta(seconds=1))


def test_logout_revokes_the_token_of_the_request_only(creator, token_of):
    this, other = token_client(token_of(creator)), token_client(token_of(creator))

    assert this.post(f"{AUTH}/logout/").status_code == 204

    assert this.get(OPENS).status_code == 401
    assert other.get(OPENS).status_code == 200


def test_logout_with_a_session_ends_the_session(client, creator):
    client.force_login(creator)

    assert client.post(f"{AUTH}/logout/").status_code == 204
    assert client.get(OPENS).status_code == 401


def test_logout_everywhere_revokes_every_token_of_mine_and_no_one_elses(creator, verifier, token_of):
    mine = [token_client(token_of(creator)) for _ in range(3)]
    theirs = token_client(token_of(verifier))

    assert mine[0].post(f"{AUTH}/logout-all/").status_code == 204

    assert [client.get(OPENS).status_code for client in mine] == [401, 401, 401]
    assert theirs.get(OPENS).status_code == 200


def test_i_list_my_live_tokens_newest_first_with_the_one_i_am_using(creator, verifier, token_of):
    with time_machine.travel(timezone.now() - timedelta(hours=20), tick=False):
        token_of(creator)  # expired by now
    with time_machine.travel(timezone.now() - timedelta(hours=1), tick=False):
        older = token_of(creator)
    client = token_client(token_of(creator))
    token_of(verifier)

    response = client.get(f"{AUTH}/tokens/")

    assert response.status_code == 200 and response.data["count"] == 2
    rows = response.data["results"]
    assert set(rows[0]) == {"key", "created", "expiry", "current"}
    assert [row["current"] for row in rows] == [True, False]
    assert rows[1]["key"] == older[:15]
    assert all(row["key"] not in ("", None) and len(row["key"]) == 15 for row in rows)


def test_the_token_list_costs_the_same_queries_for_many_tokens(creator, token_of, django_assert_max_num_queries):
    client = token_client(token_of(creator))
    for _ in range(15):
        token_of(creator)

    with django_assert_max_num_queries(5):
        assert client.get(f"{AUTH}/tokens/").data["count"] == 16


def test_i_revoke_one_of_my_tokens_by_its_key(creator, token_of):
    client = token_client(token_of(creator))
    other = token_of(creator)

    assert client.delete(f"{AUTH}/tokens/{other[:15]}/").status_code == 204

    assert token_client(other).get(OPENS).status_code == 401
    assert client.get(OPENS).status_code == 200


def test_another_users_token_is_404_and_keeps_working(creator, verifier, token_of):
    client = token_client(token_of(creator))
    theirs = token_of(verifier)

    for key in (theirs[:15], "nothing-like-it", "0" * 500):
        response = client.delete(f"{AUTH}/tokens/{key}/")
        assert response.status_code == 404 and response.data["detail"] == "You have no token with this key."
    assert token_client(theirs).get(OPENS).status_code == 200


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "logout/"),
        ("post", "logout-all/"),
        ("get", "tokens/"),
        ("delete", "tokens/abc/"),
        ("post", "password/"),
    ],
)
def test_the_token_endpoints_want_a_logged_in_user(project, method, path):
    assert getattr(APIClient(), method)(f"{AUTH}/{path}").status_code == 401


def test_past_the_cap_a_new_log_in_revokes_the_oldest_token(api_client, creator, settings):
    settings.API_TOKENS_PER_USER = 2
    first, second, third = (log_in(api_client, RIGHT).data["token"] for _ in range(3))

    assert token_client(first).get(OPENS).status_code == 401
    assert token_client(second).get(OPENS).status_code == 200
    assert token_client(third).get(OPENS).status_code == 200


def test_a_log_in_deletes_the_users_expired_tokens(api_client, creator, token_of):
    with time_machine.travel(timezone.now() - timedelta(days=2), tick=False):
        token_of(creator)
        token_of(creator)

    log_in(api_client, RIGHT)

    assert AuthToken.objects.filter(user=creator).count() == 1


def test_a_deactivated_users_token_is_refused(creator, token_of):
    client = token_client(token_of(creator))
    creator.is_active = False
    creator.save()

    assert client.get(OPENS).status_code == 401


def test_the_token_endpoints_are_in_the_openapi_schema(api_client):
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/json").json()

    for path, methods in {
        "token/": {"post"},
        "logout/": {"post"},
        "logout-all/": {"post"},
        "tokens/": {"get"},
        "tokens/{key}/": {"delete"},
        "password/": {"post"},
    }.items():
        assert methods <= set(schema["paths"][f"{AUTH}/{path}"]), path
    token_login = schema["paths"][f"{AUTH}/token/"]["post"]
    assert {"200", "400", "429"} <= set(token_login["responses"])
    assert schema["components"]["securitySchemes"]["tokenAuth"]["name"] == "Authorization"
