"""A module-scoped fixture: the demo data, loaded once per test module and rolled back after it.

Loading it runs ~700 queries through the services; tests that only read it (or change it
inside their own savepoint, as every `db` test does) share one load.
"""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def loaded_demo(django_db_setup, django_db_blocker):
    """Yield the output of `manage.py ptw_demo`; the data is rolled back after the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        out = StringIO()
        with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
            call_command("ptw_demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)
