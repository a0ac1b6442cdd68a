"""Logging in to the API with a token."""

from rest_framework.test import APIClient

from ptw.tests.conftest import API


def test_a_user_exchanges_username_and_password_for_a_token_that_opens_the_api(api_client, creator):
    response = api_client.post("/api/v1/auth/token/", {"username": "creator", "password": "pass12345"}, format="json")

    assert response.status_code == 200 and set(response.data) == {"token"}
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.data['token']}")
    assert client.get(f"{API}/projects/").status_code == 200


def test_a_wrong_password_gets_no_token(api_client, creator):
    response = api_client.post("/api/v1/auth/token/", {"username": "creator", "password": "guess"}, format="json")

    assert response.status_code == 400
    assert "token" not in response.data and response.data["non_field_errors"]


def test_a_made_up_token_is_refused(project):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

    assert client.get(f"{API}/permits/").status_code == 401
