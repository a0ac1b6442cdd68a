"""The expiry and reminder sweeps in detail: which permits each reads, batches that neither skip nor repeat
a permit, counts, job names, and a failing permit named in the run's errors."""

import pytest
from django.db import connection
from django.utils import timezone

from notifications.models import Notification
from ptw.escalation import (
    JOBS,
    auto_expire_permits,
    check_expiring_permits,
    check_pending_closeout_and_isolation,
    run_job,
)
from ptw.isolation import assign_isolation_point, isolate_point, verify_isolation
from ptw.jobs import expiry, reminders
from ptw.models import JobRun, PermitStatus
from ptw.tests.conftest import at
from ptw.tests.factories import CloseoutTemplateFactory, IsolationPointFactory, PermitTypeFactory

S = PermitStatus


def notified(event_type) -> list[int]:
    return sorted(Notification.objects.filter(notification_type=event_type).values_list("data__permit_id", flat=True))


@pytest.mark.parametrize("name", sorted(JOBS))
def test_each_job_records_its_run_under_its_own_name(db, name):
    run_job(name, now=at(12))

    assert list(JobRun.objects.values_list("job", "ok", "started_at")) == [(name, True, at(12))]


def test_only_live_permits_past_their_end_are_read_and_counted(live_permit):
    live = [live_permit(S.ACTIVE, end=at(15)) for _ in range(3)]
    live_permit(S.SUBMITTED, end=at(15))  # past its end, but not live: left alone, not counted

    report = auto_expire_permits(now=at(16))

    assert report.counts == {"permits": 3, "expired": 3}
    assert notified("ptw_expired") == sorted(permit.pk for permit in live)


def test_batches_read_every_permit_in_the_window_once(settings, live_permit):
    settings.PTW_SWEEP_BATCH_SIZE = 2
    # created in the reverse order of their end times, two pairs ending at the same minute
    ends = [at(16, 50), at(16, 50), at(16, 40), at(16, 30), at(16, 30)]
    permits = [live_permit(S.ACTIVE, end=end) for end in ends]

    report = check_expiring_permits(now=at(16))

    assert report.counts == {"permits": 5, "warnings": 5, "notifications": 10}  # holder and approver of each
    assert notified("ptw_expiring") == sorted(permit.pk for permit in permits for _ in ("holder", "approver"))


def test_an_active_permit_already_past_its_end_gets_no_expiring_warning(live_permit):
    permit = live_permit(S.ACTIVE, end=at(15, 59))

    assert check_expiring_permits(now=at(16)).counts == {"permits": 1, "warnings": 0, "notifications": 0}
    permit.refresh_from_db()
    assert permit.next_warning_at is None  # expiry speaks now; the sweep will not read it again


def test_a_batch_costs_the_same_queries_however_many_permits_it_holds(
    live_permit, django_assert_max_num_queries, settings
):
    settings.PTW_SWEEP_BATCH_SIZE = 50
    for _ in range(6):
        live_permit(S.ACTIVE, end=at(16, 30))

    # run record, claim with project and type, who is still a member, insert, next checks, run outcome;
    # on PostgreSQL the insert's NOTIFY (live wake-ups); the outbox: addresses, preferences, one insert
    # of the deliveries; the quarantine (ptw/jobs/quarantine.py): two
    with django_assert_max_num_queries((9 if connection.vendor == "postgresql" else 8) + 3 + 2):
        assert check_expiring_permits(now=at(16)).counts["notifications"] == 12


def test_a_failing_permit_is_named_in_the_runs_errors(live_permit, monkeypatch):
    bad = live_permit(S.ACTIVE, end=at(16, 30))

    def fail(permits, *, now):
        raise RuntimeError("injected fault")

    monkeypatch.setattr(expiry, "_warn_expiring", fail)

    report = check_expiring_permits(now=at(16))

    assert report.errors == [f"permit {bad.pk}: RuntimeError: injected fault"]


@pytest.fixture
def closing(db):
    closing = PermitTypeFactory.create(name="Hot work", requires_closeout=True)
    CloseoutTemplateFactory.create(permit_type=closing)
    return closing


def test_closeout_reminders_are_for_active_permits_of_a_closing_type_ending_soon(live_permit, closing, permit_type):
    due = live_permit(S.ACTIVE, end=at(17), permit_type=closing)
    live_permit(S.APPROVED, end=at(17), permit_type=closing)  # not started
    live_permit(S.ACTIVE, end=at(17), permit_type=permit_type)  # its type has no closeout
    live_permit(S.ACTIVE, end=at(15, 29), permit_type=closing)  # already past its end

    report = check_pending_closeout_and_isolation(now=at(15, 30))

    assert notified("ptw_closeout_required") == [due.pk]
    assert report.counts == {"closeout_permits": 1, "closeout_notifications": 1}


def test_a_failing_reminder_is_named_by_what_it_reminds_of(live_permit, closing, monkeypatch):
    due = live_permit(S.ACTIVE, end=at(17), permit_type=closing)

    def fail(permits, *, now):
        raise RuntimeError("injected fault")

    monkeypatch.setattr(reminders, "_closeout_reminders", fail)

    report = check_pending_closeout_and_isolation(now=at(15, 30))

    assert report.errors == [f"closeout of permit {due.pk}: RuntimeError: injected fault"]


def test_isolation_reminders_are_for_the_permits_own_unverified_points(
    escalations_on, live_permit, project, creator, verifier, monkeypatch
):
    isolating = PermitTypeFactory.create(name="Electrical isolation", requires_structured_isolation=True)
    now = timezone.now()
    pending, done = (live_permit(S.UNDER_REVIEW, permit_type=isolating) for _ in range(2))
    for permit in (pending, done):
        assign_isolation_point(permit=permit, by=creator, point=IsolationPointFactory.create(project=project), now=now)
    point = done.isolation_points.get()
    isolate_point(permit=done, assignment=point, by=creator, lock_ids=["L-1"], now=now)
    verify_isolation(permit=done, assignment=point, by=verifier, now=now)

    report = check_pending_closeout_and_isolation(now=at(12))

    assert notified("ptw_isolation_pending") == [pending.pk, pending.pk]  # its creator and its verifier
    assert report.counts["isolation_permits"] == 1

    monkeypatch.setattr(reminders, "_isolation_reminders", lambda permits, *, now: 1 / 0)
    failed = check_pending_closeout_and_isolation(now=at(12, day=1))
    assert failed.errors == [f"isolation of permit {pending.pk}: ZeroDivisionError: division by zero"]
