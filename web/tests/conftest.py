"""Fixtures of the web tests.

A browser test runs `manage.py ptw_check_escalations` in a separate process, which must see
the test database. PostgreSQL's test database is a named database; SQLite's default test
database lives in memory, invisible to another process. So when the web tests are collected,
an SQLite test database is put in a file (created and removed by the test run as usual).
"""

import importlib
import os
import re
import tempfile
from datetime import timedelta

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connections
from django.utils import timezone
from playwright.sync_api import sync_playwright

from accounts.models import CompanyType, Grade, Project
from ptw.permits import create_permit
from ptw.tests.factories import member
from ptw.workflow import (
    activate_permit,
    approve_permit,
    assign_verifier,
    initiate_workflow,
    suspend_permit,
    verify_permit,
)

from .browser import CHROMIUM, CHROMIUM_ARGS, CONSOLE_ERRORS, csp_violations, wait_for_streams_to_end

_default_db = settings.DATABASES["default"]
if _default_db["ENGINE"].endswith("sqlite3"):
    _test = _default_db.setdefault("TEST", {})
    if not _test.get("NAME") or ":memory:" in str(_test["NAME"]):
        _test["NAME"] = os.path.join(tempfile.gettempdir(), f"ptw_web_tests_{os.getpid()}.sqlite3")


@pytest.fixture
def browser(transactional_db, live_server, settings):
    # The test server is WSGI: pages poll bell.json (every 2 s by default), here every second.
    settings.LIVE_PAGE_POLL_SECONDS = 1
    # Set up after the test database (Playwright's sync API changes this thread's context,
    # where Django keeps its connections) and closed before it is emptied. Its event loop
    # in this thread makes the ORM calls between browser steps look async; they are not.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            yield chromium
            chromium.close()
            connections.close_all()  # the connection the test body opened in Playwright's context
    wait_for_streams_to_end()


@pytest.fixture(autouse=True)
def _no_content_security_policy_violation(request):
    """Every browser test fails if a page it opened broke the Content-Security-Policy."""
    CONSOLE_ERRORS.clear()
    yield
    if "browser" in request.keywords:
        assert csp_violations() == []


@pytest.fixture
def make_permit(creator, permit_type, project):
    """A draft permit of `creator` in `project` (its planned start one hour from now)."""

    def make(**fields):
        start = timezone.now() + timedelta(hours=1)
        values = {
            "by": creator,
            "project": project,
            "permit_type": permit_type,
            "title": "Replace pump seal",
            "location": "Unit 3",
            "planned_start_time": start,
            "planned_end_time": start + timedelta(hours=8),
        }
        return create_permit(**{"now": timezone.now(), **values, **fields})

    return make


@pytest.fixture
def draft(make_permit):
    return make_permit()


@pytest.fixture
def submitted(draft, creator, verifier, approver):
    """Submitted, with `verifier` assigned to the pending verification step."""
    initiate_workflow(permit=draft, by=creator, now=timezone.now())
    assign_verifier(permit=draft, by=creator, verifier=verifier, now=timezone.now())
    draft.refresh_from_db()
    return draft


@pytest.fixture
def under_review(submitted, verifier, approver):
    verify_permit(permit=submitted, by=verifier, approve=True, approver=approver, now=timezone.now())
    submitted.refresh_from_db()
    return submitted


@pytest.fixture
def approved(under_review, approver):
    approve_permit(permit=under_review, by=approver, approve=True, now=timezone.now())
    under_review.refresh_from_db()
    return under_review


@pytest.fixture
def active(approved, creator):
    activate_permit(permit=approved, by=creator, now=timezone.now())
    approved.refresh_from_db()
    return approved


@pytest.fixture
def suspended(active, approver):
    suspend_permit(permit=active, by=approver, comment="Gas alarm", now=timezone.now())
    active.refresh_from_db()
    return active


@pytest.fixture
def other_project_permit(outsider, permit_type):
    """A permit in another project than the named users'."""

    other = Project.objects.get(code="OTHER")
    contractor = member(other, username="other_contractor", company_type=CompanyType.CONTRACTOR, grade=Grade.C)
    start = timezone.now() + timedelta(hours=1)
    return create_permit(
        by=contractor,
        project=other,
        permit_type=permit_type,
        title="Elsewhere",
        location="Far",
        planned_start_time=start,
        planned_end_time=start + timedelta(hours=2),
        now=timezone.now(),
    )


@pytest.fixture
def escalation_levels(db):
    """The escalation levels migration 0002 adds (a transactional test's flush removes them)."""

    importlib.import_module("ptw.migrations.0002_default_escalation_levels").add_levels(apps, None)


def login(client, user):
    client.force_login(user)
    return client


def offered_actions(response) -> set[str]:
    """The action forms a permit page offers (ids `action-<key>`), plus "edit" for the edit link."""

    html = response.content.decode()
    found = set(re.findall(r'id="action-([a-z_]+)"', html))
    return found | ({"edit"} if 'id="edit-link"' in html else set())
