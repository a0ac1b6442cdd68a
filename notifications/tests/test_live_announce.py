"""Wake-ups: sent inside the notifying transaction, delivered at commit, naming recipients only."""

import pytest
from django.db import transaction
from django.utils import timezone

from notifications import live, services
from notifications.models import Notification

from .listening import WakeupListener


def test_payloads_stay_under_postgresqls_limit_and_carry_every_id():
    ids = list(range(10**9, 10**9 + 3000))
    payloads = list(live.payloads(ids))
    assert len(payloads) > 1
    assert all(len(payload.encode()) < 8000 for payload in payloads)
    assert set().union(*map(live.recipients, payloads)) == set(ids)


def test_a_payload_names_user_ids_and_nothing_else_counts():
    assert live.recipients("12,7,junk,, 3 ,-4") == {12, 7, 3}


def test_on_sqlite_announcing_sends_nothing_and_fails_nothing(db, alice, django_assert_num_queries):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite only: there, web processes poll")
    with django_assert_num_queries(0):
        live.announce([alice.pk])


@pytest.fixture
def listener(transactional_db):
    listening = WakeupListener()
    yield listening
    listening.close()


def item(user, key: str) -> services.NewNotification:
    return services.NewNotification(user.pk, "test_event", f"Secret title {key}", "Secret message", key)


@pytest.mark.postgres
def test_a_commit_wakes_the_recipients_by_id_only(listener, alice, bob):
    with transaction.atomic():
        services.notify_many([item(alice, "a"), item(bob, "b"), item(alice, "c")], now=timezone.now())
        assert listener.payloads(timeout=0.2) == []  # not before commit
    assert listener.payloads() == [f"{min(alice.pk, bob.pk)},{max(alice.pk, bob.pk)}"]


@pytest.mark.postgres
def test_a_rollback_wakes_nobody_and_a_duplicate_wakes_nobody_again(listener, alice):
    with pytest.raises(RuntimeError), transaction.atomic():  # noqa: PT012 (the rollback is the point)
        services.notify_many([item(alice, "a")], now=timezone.now())
        raise RuntimeError("a later step failed")
    assert listener.payloads() == []

    services.notify_many([item(alice, "a")], now=timezone.now())
    assert listener.recipients() == {alice.pk}
    services.notify_many([item(alice, "a")], now=timezone.now())  # the same notification: not inserted, not announced
    assert listener.payloads() == []


@pytest.mark.postgres
def test_reading_changes_the_count_so_it_wakes_the_owner_once_per_change(listener, alice, make_notifications):
    first, second = make_notifications(alice, 2)
    listener.payloads()

    services.mark_read(notification=first, now=timezone.now())
    assert listener.recipients() == {alice.pk}
    # already read: nothing changes
    services.mark_read(notification=Notification.objects.get(pk=first.pk), now=timezone.now())
    assert listener.payloads() == []
    services.mark_unread(notification=first)
    services.mark_all_read(user=alice, now=timezone.now())
    services.delete(notification=second)
    assert listener.payloads() == [str(alice.pk)] * 3
