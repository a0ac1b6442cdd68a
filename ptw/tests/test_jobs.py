"""What every job shares: a JobRun per run, one bad row skipped, crash-safe reruns, bounded queries."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import ManagementUtility

from notifications.models import Notification
from ptw.escalation import auto_expire_permits, check_overdue_workflow_tasks
from ptw.jobs import expiry, overdue
from ptw.models import EscalationRecord, JobRun, Permit, PermitStatus, WorkflowStep

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


@pytest.fixture
def due_steps(escalations_on, seed_due_steps, grade_a_admin):
    """five permits whose verification has been pending 5 h (overdue, not yet escalated)."""
    return seed_due_steps(5, pending_since=NOW - timedelta(hours=5), now=NOW)


def fail_for(permit_id, original):
    def plan(step, *args, **kwargs):
        if step.permit.id == permit_id:
            raise RuntimeError("injected fault")
        return original(step, *args, **kwargs)

    return plan


def test_every_run_is_recorded_with_its_counts(due_steps):
    check_overdue_workflow_tasks(now=NOW)
    run = JobRun.objects.get()
    assert (run.job, run.ok, run.error, run.started_at) == ("check_overdue_workflow_tasks", True, "", NOW)
    assert run.counts == {"steps": 5, "notifications": 5, "records": 5}
    assert run.finished_at >= run.started_at


def test_one_failing_permit_is_skipped_and_logged_the_others_are_processed(due_steps, monkeypatch, caplog):
    bad = due_steps[2]
    monkeypatch.setattr(overdue, "_plan", fail_for(bad, overdue._plan))

    report = check_overdue_workflow_tasks(now=NOW)

    assert not report.ok and report.counts["failed"] == 1 and report.counts["notifications"] == 4
    notified = set(
        Notification.objects.filter(notification_type="ptw_overdue").values_list("data__permit_id", flat=True)
    )
    assert notified == set(due_steps) - {bad}
    run = JobRun.objects.get()
    assert run.ok is False and f"of permit {bad}: RuntimeError: injected fault" in run.error
    assert f"of permit {bad} failed and was skipped" in caplog.text
    # the bad step stays due: the next run tries it again
    assert WorkflowStep.objects.get(instance__permit_id=bad).next_check_at == NOW


def test_the_command_exits_non_zero_when_a_job_fails(due_steps, monkeypatch, capsys):
    monkeypatch.setattr(overdue, "_plan", fail_for(due_steps[0], overdue._plan))
    with pytest.raises(SystemExit) as exit_:
        ManagementUtility(["manage.py", "ptw_check_escalations"]).execute()
    assert exit_.value.code != 0
    err = capsys.readouterr().err
    assert "check_overdue_workflow_tasks: FAILED" in err and "injected fault" in err


def test_one_permit_failing_to_expire_does_not_stop_the_others(seed_due_steps, monkeypatch):
    ids = seed_due_steps(
        4, pending_since=NOW, now=NOW, live_until=NOW - timedelta(minutes=1), status=PermitStatus.ACTIVE
    )

    original = expiry.expire_permit

    def expire(*, permit, now):
        if permit.pk == ids[1]:
            raise RuntimeError("recipient gone")
        return original(permit=permit, now=now)

    monkeypatch.setattr(expiry, "expire_permit", expire)
    report = auto_expire_permits(now=NOW)

    statuses = dict(Permit.objects.values_list("pk", "status"))
    assert statuses == {pid: PermitStatus.ACTIVE if pid == ids[1] else PermitStatus.EXPIRED for pid in ids}
    assert report.counts["expired"] == 3 and report.counts["failed"] == 1
    assert f"permit {ids[1]}: RuntimeError: recipient gone" in JobRun.objects.get().error


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_database_error_on_one_row_rolls_back_only_that_row(escalations_on, seed_due_steps, grade_a_admin):
    """A real constraint error: pending for 115 years overflows EscalationRecord.pending_hours."""
    ids = seed_due_steps(5, pending_since=NOW - timedelta(hours=5), now=NOW)
    WorkflowStep.objects.filter(instance__permit_id=ids[3]).update(pending_since=datetime(1911, 1, 1, tzinfo=UTC))

    report = check_overdue_workflow_tasks(now=NOW)

    assert report.counts["failed"] == 1 and "numeric field overflow" in report.errors[0]
    assert set(EscalationRecord.objects.values_list("permit_id", flat=True)) == set(ids) - {ids[3]}
    assert not Notification.objects.filter(data__permit_id=ids[3], notification_type="ptw_overdue").exists()


def test_a_sweep_killed_mid_way_loses_nothing_and_the_rerun_sends_no_duplicates(
    escalations_on, seed_due_steps, settings, monkeypatch
):
    settings.PTW_SWEEP_BATCH_SIZE = 10
    ids = seed_due_steps(25, pending_since=NOW - timedelta(hours=5), now=NOW)
    original, calls = overdue._escalate, []

    def crash_on_second_batch(steps, **kwargs):
        calls.append(len(steps))
        if len(calls) == 2:
            raise KeyboardInterrupt  # like a killed worker: not handled as a row failure
        return original(steps, **kwargs)

    monkeypatch.setattr(overdue, "_escalate", crash_on_second_batch)
    with pytest.raises(KeyboardInterrupt):
        check_overdue_workflow_tasks(now=NOW)
    assert Notification.objects.filter(notification_type="ptw_overdue").count() == 10  # batch 1 committed
    assert JobRun.objects.get().ok is False

    monkeypatch.setattr(overdue, "_escalate", original)
    report = check_overdue_workflow_tasks(now=NOW + timedelta(minutes=1))

    assert report.ok and report.counts["steps"] == 15
    overdue_notes = Notification.objects.filter(notification_type="ptw_overdue")
    assert sorted(overdue_notes.values_list("data__permit_id", flat=True)) == sorted(ids)
    assert EscalationRecord.objects.count() == 25


@pytest.mark.django_db(transaction=True)  # real transactions, as in production: no test savepoints
def test_sweep_queries_do_not_grow_with_the_due_rows(
    escalations_on, seed_due_steps, grade_a_admin, django_assert_max_num_queries
):
    # 1,000 due: 500 overdue only, 500 escalated too (to the admin): 1,500 notifications
    seed_due_steps(500, pending_since=NOW - timedelta(hours=5), now=NOW)
    seed_due_steps(500, pending_since=NOW - timedelta(hours=9), now=NOW)
    WorkflowStep.objects.filter(pending_since=NOW - timedelta(hours=9)).update(next_check_at=NOW - timedelta(hours=1))

    # 22 on PostgreSQL: each batch's notifications also send one NOTIFY (live wake-ups);
    # + 3 a batch for the outbox (addresses, preferences, one insert of the deliveries)
    # + 1 a batch to keep the recipients who are still active members of the project
    with django_assert_max_num_queries(22 + 2 * 3 + 2 * 1):
        report = check_overdue_workflow_tasks(now=NOW)

    assert report.ok and report.counts == {"steps": 1000, "notifications": 1500, "records": 1500}
    assert not WorkflowStep.objects.filter(next_check_at__lte=NOW).exists()
