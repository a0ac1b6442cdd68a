"""Warnings before the end (issue 15, part 1): at each configured offset, to the holder and the
approver, each exactly once, read through the `next_warning_at` index."""

from datetime import timedelta

import pytest
import time_machine
from django.db.models import Count

from notifications.models import Notification
from ptw.escalation import auto_expire_permits, check_expiring_permits
from ptw.models import Permit, PermitStatus
from ptw.tests.conftest import at
from ptw.tests.test_jobs_concurrency import run_together

S = PermitStatus


def warnings_sent():
    """[(local minute sent, recipient, minutes before the end)] in order."""
    return list(
        Notification.objects.filter(notification_type="ptw_expiring")
        .order_by("created_at", "recipient__username")
        .values_list("created_at", "recipient__username", "data__minutes_before_end")
    )


def sweep_every(minutes, *, start, until):
    moment = start
    while moment <= until:
        with time_machine.travel(moment, tick=False):
            assert check_expiring_permits(now=moment).ok
            assert auto_expire_permits(now=moment).ok
        moment += timedelta(minutes=minutes)


def test_minute_by_minute_the_holder_and_approver_are_warned_at_60_and_15_minutes_each_once(live_permit):
    permit = live_permit(S.ACTIVE, end=at(17))

    sweep_every(1, start=at(15), until=at(17, 30))

    assert warnings_sent() == [
        (at(16), "approver", 60),
        (at(16), "creator", 60),
        (at(16, 45), "approver", 15),
        (at(16, 45), "creator", 15),
    ]
    permit.refresh_from_db()
    assert permit.status == S.EXPIRED and permit.next_warning_at is None


def test_the_message_says_how_long_is_left_and_the_end_in_site_time(live_permit):
    live_permit(S.ACTIVE, end=at(17))
    check_expiring_permits(now=at(16, 47))

    note = Notification.objects.get(notification_type="ptw_expiring", recipient__username="creator")
    assert "ends in 13 min, at 02 Mar 2026 17:00 UTC" in note.message
    assert note.data["minutes_before_end"] == 15


def test_a_sweep_that_runs_late_sends_only_the_tightest_warning_reached(live_permit):
    live_permit(S.ACTIVE, end=at(17))

    sweep_every(60, start=at(12), until=at(16))  # hourly: 16:00 is the 60-minute one, 16:45 is never hit
    assert [minutes for *_, minutes in warnings_sent()] == [60, 60]

    Notification.objects.all().delete()
    Permit.objects.update(next_warning_at=at(16))  # as if no sweep had run before 16:50
    check_expiring_permits(now=at(16, 50))
    assert [minutes for *_, minutes in warnings_sent()] == [15, 15]


def test_offsets_are_a_setting(settings, live_permit):
    settings.PTW_EXPIRING_WARNING_MINUTES = [120, 30, 5]
    live_permit(S.ACTIVE, end=at(17))

    sweep_every(5, start=at(14), until=at(17))

    assert sorted({(sent.hour, sent.minute, minutes) for sent, _, minutes in warnings_sent()}) == [
        (15, 0, 120),
        (16, 30, 30),
        (16, 55, 5),
    ]


def test_a_suspended_permit_is_warned_and_an_approved_one_not_started_is_not(live_permit):
    suspended = live_permit(S.SUSPENDED, end=at(17))
    live_permit(S.APPROVED, end=at(17))

    check_expiring_permits(now=at(16))

    assert set(Notification.objects.filter(notification_type="ptw_expiring").values_list("subject_id", flat=True)) == {
        suspended.pk
    }


def test_a_completed_permit_leaves_the_due_set(live_permit):
    permit = live_permit(S.COMPLETED, end=at(17))
    assert check_expiring_permits(now=at(16, 30)).counts == {}
    assert Permit.objects.filter(pk=permit.pk, status=S.COMPLETED).exists()


def test_the_sweep_reads_only_due_permits(live_permit, django_assert_max_num_queries):
    for _ in range(5):
        live_permit(S.ACTIVE, end=at(23))  # first warning at 22:00

    # abandoned runs closed, run record, quarantined rows, savepoint, an empty claim, release, run outcome
    with django_assert_max_num_queries(7):
        assert check_expiring_permits(now=at(16)).counts == {}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_four_sweeps_at_once_send_each_warning_once(seed_due_steps, settings, creator, approver):
    settings.PTW_SWEEP_BATCH_SIZE = 25
    now = at(16)
    ids = seed_due_steps(300, pending_since=now, now=now, live_until=at(16, 30), status=S.ACTIVE)
    Permit.objects.filter(pk__in=ids).update(approver=approver, next_warning_at=at(15, 30))

    reports = run_together(check_expiring_permits, now=now)

    assert sum(report.counts["permits"] for report in reports) == 300
    per_person = Notification.objects.values("recipient", "subject_id").annotate(n=Count("id"))
    assert {row["n"] for row in per_person} == {1} and per_person.count() == 600
