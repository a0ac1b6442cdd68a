"""What every response carries in production mode: the Content-Security-Policy, HSTS on https, secure
cookies, the https redirect; and the API docs served from this site."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

POLICY = {
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
}


@pytest.mark.parametrize("path", ["/accounts/login/", "/api/v1/ptw/health/", "/api/docs/", "/admin/login/"])
def test_every_response_carries_the_content_security_policy(client: Client, path):
    response = client.get(path)

    policy = set(response["Content-Security-Policy"].split("; "))
    if path.startswith("/admin/"):  # select2's inline widths; scripts stay restricted
        policy = policy - {"style-src 'self' 'unsafe-inline'"} | {"style-src 'self'"}
    assert policy == POLICY
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_https_responses_carry_hsts_for_a_year_with_subdomains(client: Client):
    response = client.get("/accounts/login/", secure=True)

    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_with_the_production_default_plain_http_is_redirected_to_https(client: Client, settings):
    settings.SECURE_SSL_REDIRECT = True

    response = client.get("/accounts/login/?next=/dashboard/ptw/")

    assert (
        response.status_code == 301
        and response["Location"] == "https://testserver/accounts/login/?next=/dashboard/ptw/"
    )


def test_a_trusted_proxys_header_marks_a_request_secure(client: Client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

    assert client.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https").status_code == 200


def test_with_the_production_defaults_the_session_and_csrf_cookies_are_secure(client: Client, creator, settings):
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True

    page = client.get("/accounts/login/", secure=True)
    response = client.post(
        "/accounts/login/",
        {"username": "creator", "password": "pass12345", "csrfmiddlewaretoken": page.cookies["csrftoken"].value},
        secure=True,
    )

    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    assert session["max-age"] == 12 * 3600
    assert page.cookies["csrftoken"]["secure"] and page.cookies["csrftoken"]["samesite"] == "Lax"


def test_the_api_docs_load_swagger_ui_from_this_site_with_no_inline_code(client: Client):
    page = client.get("/api/docs/").content.decode()

    assert "<style" not in page and "<script>" not in page and "cdn" not in page.lower()
    assert '<script src="/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js">' in page
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
    assert client.get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js").status_code == 200


def test_the_api_answers_json_only(client: Client, creator):
    client.force_login(creator)

    response = client.get("/api/v1/ptw/permits/", HTTP_ACCEPT="text/html")

    assert response.status_code == 406 or response["Content-Type"] == "application/json"


def test_a_form_without_its_csrf_token_gets_a_page_in_the_sites_style_with_no_inline_style(creator):
    client = Client(enforce_csrf_checks=True)

    response = client.post("/accounts/login/", {"username": "creator", "password": "pass12345"})

    assert response.status_code == 403
    html = response.content.decode()
    assert "This form has expired" in html and "nothing was changed" in html
    assert "<style" not in html and "style=" not in html
