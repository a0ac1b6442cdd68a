"""Shared fixtures: one project with named users for each part a person plays."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from rest_framework.test import APIClient

from accounts.models import CompanyType, Grade
from ptw.tests.factories import PermitTypeFactory, ProjectFactory, member

# The module-scoped demo data fixture (`loaded_demo`), for the tests that read the demo.
pytest_plugins = ["ptw.tests.demo_fixture"]


def pytest_collection_modifyitems(config, items):
    """PostgreSQL-only tests skip, with a reason, on the SQLite default."""
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (row locks, skip_locked, real concurrency)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hasher():
    """Hashing passwords at production strength would dominate the suite's time.

    For the whole session: a TestCase's setUpTestData runs before any function fixture.
    """
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def _no_rate_limit_counts_from_other_tests():
    """Log-in rate limits count in the cache (a per-process memory cache in the suite)."""
    cache.clear()


@pytest.fixture
def project(db):
    return ProjectFactory.create(code="ALPHA", name="Alpha refinery", time_zone="UTC")


@pytest.fixture
def creator(project):
    return member(project, username="creator", company_type=CompanyType.CONTRACTOR, grade=Grade.C)


@pytest.fixture
def verifier(project):
    return member(project, username="verifier", company_type=CompanyType.EPC, grade=Grade.C)


@pytest.fixture
def approver(project):
    return member(project, username="approver", company_type=CompanyType.CLIENT, grade=Grade.C)


@pytest.fixture
def grade_a_admin(project):
    return member(project, username="site_admin", company_type=CompanyType.CLIENT, grade=Grade.A)


@pytest.fixture
def grade_b_admin(project):
    return member(project, username="area_admin", company_type=CompanyType.EPC, grade=Grade.B)


@pytest.fixture
def outsider(db):
    other = ProjectFactory.create(code="OTHER", name="Other site")
    return member(other, username="outsider", company_type=CompanyType.EPC, grade=Grade.A)


@pytest.fixture
def permit_type(db):
    return PermitTypeFactory.create(name="Cold work", requires_closeout=False, requires_structured_isolation=False)


@pytest.fixture
def api_client():

    return APIClient()
