"""Expiring and expired permits (Example 3), closeout and isolation reminders, cleanup."""

from datetime import timedelta

import pytest
from django.utils import timezone

from notifications.models import Notification
from ptw.closeout import update_closeout
from ptw.escalation import (
    auto_expire_permits,
    check_expiring_permits,
    check_overdue_workflow_tasks,
    check_pending_closeout_and_isolation,
    cleanup_old_notifications,
)
from ptw.isolation import assign_isolation_point, isolate_point, verify_isolation
from ptw.models import EscalationRecord, PermitEvent, PermitStatus
from ptw.tests.conftest import at
from ptw.tests.factories import CloseoutTemplateFactory, IsolationPointFactory, PermitTypeFactory
from ptw.tests.test_escalation import submit

S = PermitStatus


def sent(now, types=("ptw_expiring", "ptw_expired")):
    return sorted(
        Notification.objects.filter(created_at=now, notification_type__in=types).values_list(
            "recipient__username", "notification_type", "data__permit_id"
        )
    )


def test_example_3_an_active_permit_ending_at_5pm_is_warned_at_4pm_and_expired_at_5pm(live_permit, creator):
    permit = live_permit(S.ACTIVE, end=at(17))

    timeline = {}
    for hour in range(12, 20):
        for job in (check_expiring_permits, auto_expire_permits):
            assert job(now=at(hour)).ok
        permit.refresh_from_db()
        timeline[hour] = (permit.status, sent(at(hour)))

    assert timeline[15] == (S.ACTIVE, [])
    # the holder (the creator) and the approver, 60 minutes before (the 15-minute warning falls between the hours)
    assert timeline[16] == (S.ACTIVE, [("approver", "ptw_expiring", permit.pk), ("creator", "ptw_expiring", permit.pk)])
    assert timeline[17] == (S.EXPIRED, [("creator", "ptw_expired", permit.pk)])
    assert timeline[18] == (S.EXPIRED, [])
    assert permit.expired_at == at(17)
    event = PermitEvent.objects.filter(permit=permit).latest("id")
    assert (event.actor_name, event.action, event.from_status, event.to_status, event.created_at) == (
        "system",
        "expired",
        S.ACTIVE,
        S.EXPIRED,
        at(17),
    )


@pytest.mark.parametrize("status", [S.APPROVED, S.ACTIVE, S.SUSPENDED])
def test_every_live_permit_expires_at_its_end_time(live_permit, status):
    permit = live_permit(status, end=at(17))

    assert auto_expire_permits(now=at(16, 59)).counts["expired"] == 0
    report = auto_expire_permits(now=at(17, 5))

    permit.refresh_from_db()
    assert permit.status == S.EXPIRED and report.counts == {"permits": 1, "expired": 1}


@pytest.mark.parametrize("status", [S.DRAFT, S.SUBMITTED, S.UNDER_REVIEW, S.COMPLETED])
def test_permits_not_live_are_left_alone(live_permit, status):
    permit = live_permit(status, end=at(17))
    auto_expire_permits(now=at(18))
    permit.refresh_from_db()
    assert permit.status == status


def test_expiry_runs_once_however_often_it_runs(live_permit):
    permit = live_permit(S.ACTIVE, end=at(17))
    for minute in (0, 1, 30):
        auto_expire_permits(now=at(17, minute))
    assert PermitEvent.objects.filter(permit=permit, to_status=S.EXPIRED).count() == 1
    assert Notification.objects.filter(notification_type="ptw_expired").count() == 1


def test_the_expiring_warning_is_sent_once_a_day_only_to_active_permits_in_the_window(live_permit):
    active = live_permit(S.ACTIVE, end=at(17))
    live_permit(S.ACTIVE, end=at(18, 30))  # outside the 60-minute window at 16:xx
    live_permit(S.APPROVED, end=at(17))  # not started: nothing to warn about

    counts = [check_expiring_permits(now=at(16, minute)).counts["notifications"] for minute in (0, 20, 40)]

    assert counts == [2, 0, 0]  # the holder and the approver, once
    assert sorted({pid for *_, pid in sent(at(16))}) == [active.pk]


def test_a_permit_ending_soon_with_an_incomplete_closeout_reminds_its_creator(live_permit, creator):
    closing = PermitTypeFactory.create(name="Hot work", requires_closeout=True)
    CloseoutTemplateFactory.create(permit_type=closing)
    incomplete = live_permit(S.ACTIVE, end=at(17), permit_type=closing)
    complete = live_permit(S.ACTIVE, end=at(17), permit_type=closing)
    update_closeout(
        permit=complete, by=creator, now=at(14), items={"area_clean": {"done": True}, "tools_removed": {"done": True}}
    )
    later = live_permit(S.ACTIVE, end=at(20), permit_type=closing)

    report = check_pending_closeout_and_isolation(now=at(15, 30))

    assert sent(at(15, 30), ("ptw_closeout_required",)) == [("creator", "ptw_closeout_required", incomplete.pk)]
    assert report.counts["closeout_notifications"] == 1
    assert later.pk not in [pid for *_, pid in sent(at(15, 30), ("ptw_closeout_required",))]


@pytest.fixture
def unverified_isolation(live_permit, project, creator):
    isolating = PermitTypeFactory.create(name="Electrical isolation", requires_structured_isolation=True)
    permit = live_permit(S.UNDER_REVIEW, permit_type=isolating)
    assignment = assign_isolation_point(
        permit=permit, by=creator, point=IsolationPointFactory.create(project=project), now=timezone.now()
    )
    return permit, assignment


def test_unverified_isolation_reminds_creator_and_verifier_when_escalations_are_on(
    escalations_on, unverified_isolation, verifier
):
    permit, assignment = unverified_isolation

    report = check_pending_closeout_and_isolation(now=at(12))

    assert sent(at(12), ("ptw_isolation_pending",)) == [
        ("creator", "ptw_isolation_pending", permit.pk),
        ("verifier", "ptw_isolation_pending", permit.pk),
    ]
    assert report.counts["isolation_notifications"] == 2

    isolate_point(permit=permit, assignment=assignment, by=verifier, lock_ids=["L-1"], now=timezone.now())
    verify_isolation(permit=permit, assignment=assignment, by=permit.created_by, now=timezone.now())
    assert check_pending_closeout_and_isolation(now=at(12, day=1)).counts["isolation_permits"] == 0


def test_isolation_reminders_are_off_while_escalations_are_off(settings, unverified_isolation):
    settings.ESCALATIONS_ENABLED = False
    report = check_pending_closeout_and_isolation(now=at(12))
    assert report.ok and "isolation_permits" not in report.counts
    assert not Notification.objects.filter(notification_type="ptw_isolation_pending").exists()


def test_cleanup_deletes_old_ptw_notifications_in_batches_and_keeps_the_escalation_history(
    settings, escalations_on, project, creator, verifier, grade_a_admin, permit_type
):

    settings.PTW_SWEEP_BATCH_SIZE = 3
    old = at(9, day=-40)
    for day in range(7):
        submit(project, creator, permit_type, at=old + timedelta(days=day), verifier=verifier)
    check_overdue_workflow_tasks(now=old + timedelta(days=7))
    Notification.objects.create(
        recipient=creator,
        notification_type="system_notice",
        title="Old, not PTW",
        message="",
        dedupe_key="x",
        created_at=old,
    )
    recent = submit(project, creator, permit_type, at=at(9), verifier=verifier)
    kept_records = EscalationRecord.objects.count()
    assert kept_records > 0

    report = cleanup_old_notifications(now=at(10))

    assert report.ok and report.counts["notifications"] > 7
    left = Notification.objects.all()
    assert sorted(set(left.values_list("notification_type", flat=True))) == [
        "ptw_created",
        "ptw_submitted",
        "ptw_verification",
        "system_notice",
    ]
    assert {n.data.get("permit_id") for n in left if n.notification_type != "system_notice"} == {recent.pk}
    assert EscalationRecord.objects.count() == kept_records
