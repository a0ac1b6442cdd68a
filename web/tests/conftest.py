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
from django.utils import timezone

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

_default_db = settings.DATABASES["default"]
if _default_db["ENGINE"].endswith("sqlite3"):
    _test = _default_db.setdefault("TEST", {})
    if not _test.get("NAME") or ":memory:" in str(_test["NAME"]):
        _test["NAME"] = os.path.join(tempfile.gettempdir(), f"ptw_web_tests_{os.getpid()}.sqlite3")


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
