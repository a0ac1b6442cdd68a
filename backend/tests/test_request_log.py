"""One log line per request outcome; a traceback only for a 5xx, and 4xx logged once."""

import logging

import pytest
from django.test import Client

from web.tests.conftest import login

pytestmark = pytest.mark.django_db


def records(caplog, name: str) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == name]


def test_a_page_is_one_info_line_with_its_user(client, creator, caplog):
    caplog.set_level(logging.DEBUG)
    login(client, creator).get("/dashboard/ptw/")

    [line] = [r for r in records(caplog, "backend.requests") if r.levelno >= logging.INFO]
    assert line.levelno == logging.INFO and line.getMessage().startswith("GET /dashboard/ptw/ 200 ")
    assert line.getMessage().endswith(f"user={creator.pk}")


@pytest.mark.parametrize("url", ["/dashboard/ptw/view/999999", "/dashboard/ptw/escalation-rules/", "/api/v1/no-such/"])
def test_a_4xx_is_one_warning_line_without_a_traceback(client, creator, caplog, url):
    caplog.set_level(logging.DEBUG)
    response = login(client, creator).get(url)

    assert 400 <= response.status_code < 500
    assert records(caplog, "django.request") == []
    [line] = records(caplog, "backend.requests")
    assert line.levelno == logging.WARNING and line.exc_info is None


def test_a_5xx_is_one_error_line_with_its_traceback(creator, caplog, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("web.views.permits.permits_matching", broken)
    client = Client(raise_request_exception=False)
    caplog.set_level(logging.DEBUG)

    assert login(client, creator).get("/dashboard/ptw/").status_code == 500

    [line] = records(caplog, "django.request")
    assert line.levelno == logging.ERROR and line.exc_info is not None
    assert records(caplog, "backend.requests") == []
