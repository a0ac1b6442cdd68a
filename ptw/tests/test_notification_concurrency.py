"""Concurrent writers on PostgreSQL: the unique constraint makes a notification exactly once."""

import threading
import time

import pytest
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Membership, User
from notifications.models import Notification
from ptw.notification_utils import PermitFacts, PermitNotice, create_ptw_notification, create_ptw_notifications
from ptw.tests.factories import PermitFactory, member

THREADS = 8

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_at_once(work):
    """Run `work(i)` in THREADS threads released together; return (results, errors)."""
    barrier = threading.Barrier(THREADS)
    results, errors = [None] * THREADS, []

    def target(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:  # reported to the test, which must see none
            errors.append(exc)
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=target, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results, errors


def test_eight_writers_of_the_same_notification_make_one_row_and_raise_nothing():
    permit = PermitFactory.create()
    verifier = member(permit.project, username="racing_verifier")  # notices reach members only

    def work(i):
        with transaction.atomic():
            notification = create_ptw_notification(
                verifier.pk, "ptw_verification", PermitFacts.of(permit), now=timezone.now()
            )
            time.sleep(0.05)  # hold the transaction open so the others meet the uncommitted row
            return notification

    results, errors = run_at_once(work)

    assert errors == []
    assert len([r for r in results if r is not None]) == 1
    assert Notification.objects.filter(recipient=verifier, notification_type="ptw_verification").count() == 1


def test_bulk_writers_overlapping_in_opposite_orders_neither_deadlock_nor_duplicate():
    permit = PermitFactory.create()
    users = User.objects.bulk_create([User(username=f"swept{i}") for i in range(400)])
    Membership.objects.bulk_create(
        Membership(user=user, project=permit.project, company_type="contractor") for user in users
    )
    notices = [PermitNotice(user.pk, "ptw_escalated", PermitFacts.of(permit)) for user in users]

    def work(i):
        with transaction.atomic():
            created = create_ptw_notifications(notices if i % 2 else notices[::-1], now=timezone.now())
            time.sleep(0.05)
            return len(created)

    results, errors = run_at_once(work)

    assert errors == []
    assert sum(results) == len(users)
    assert Notification.objects.filter(notification_type="ptw_escalated").count() == len(users)
