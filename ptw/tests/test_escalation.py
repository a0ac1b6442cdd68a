"""The overdue sweep (ptw/jobs/overdue.py): levels, recipients, once a local day, hour by hour."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from accounts.models import CompanyType, Grade
from notifications.models import Notification
from ptw import workflow
from ptw.escalation import check_overdue_workflow_tasks
from ptw.escalation_rules import save_escalation_rule
from ptw.models import EscalationRecord, EscalationRule, StepId, WorkflowStep
from ptw.permits import create_permit
from ptw.tests.factories import EscalationRuleFactory, PermitTypeFactory, member

MONDAY_9AM = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ESCALATION_TYPES = ("ptw_overdue", "ptw_escalated")


def submit(project, creator, permit_type, *, at, verifier=None):
    """A permit submitted at `at`, its verification assigned to `verifier` at the same time."""
    permit = create_permit(
        by=creator,
        project=project,
        permit_type=permit_type,
        title="Replace valve V-101",
        location="Unit 3",
        planned_start_time=at + timedelta(days=2),
        planned_end_time=at + timedelta(days=2, hours=8),
        now=at,
    )
    workflow.initiate_workflow(permit=permit, by=creator, now=at)
    if verifier is not None and permit.verifier_id != verifier.pk:
        workflow.assign_verifier(permit=permit, by=creator, verifier=verifier, now=at)
    return permit


def sweep_hourly(start, hours, *, step_minutes=60):
    """Run the sweep every `step_minutes` from `start`; {time: [(username, type), ...]} of what each sent."""
    sent = {}
    for i in range(int(hours * 60 / step_minutes) + 1):
        now = start + timedelta(minutes=i * step_minutes)
        report = check_overdue_workflow_tasks(now=now)
        assert report.ok, report.errors
        new = Notification.objects.filter(created_at=now, notification_type__in=ESCALATION_TYPES)
        if new:
            sent[now] = sorted(new.values_list("recipient__username", "notification_type"))
    return sent


def h(hours, minutes=0, start=MONDAY_9AM):
    return start + timedelta(hours=hours, minutes=minutes)


@pytest.fixture
def admins(grade_a_admin, grade_b_admin):
    return [grade_a_admin, grade_b_admin]


def test_example_2_overdue_at_1pm_to_the_verifier_escalated_at_5pm_to_grade_a_b_admins(
    escalations_on, project, creator, verifier, admins, permit_type
):
    permit = submit(project, creator, permit_type, at=MONDAY_9AM, verifier=verifier)

    sent = sweep_hourly(MONDAY_9AM, 24)

    both = [("area_admin", "ptw_escalated"), ("site_admin", "ptw_escalated"), ("verifier", "ptw_overdue")]
    assert sent == {
        h(4): [("verifier", "ptw_overdue")],  # 1:00 PM
        h(8): [("area_admin", "ptw_escalated"), ("site_admin", "ptw_escalated")],  # 5:00 PM
        h(15): both,  # midnight: a new local day, still pending, both again
    }
    overdue = Notification.objects.get(recipient=verifier, created_at=h(4))
    assert overdue.message == (
        f"The verification of permit {permit.permit_number} (Replace valve V-101) has been pending "
        "with you for 4 h 00 min (limit 4 h)."
    )
    assert overdue.data["permit_id"] == permit.pk and overdue.data["level"] == 1
    escalated = Notification.objects.get(recipient__username="site_admin", created_at=h(8))
    assert f"pending with {verifier.display_name} for 8 h 00 min (limit 4 h)" in escalated.message
    assert escalated.message.endswith("It has been escalated to you.")
    assert escalated.link == f"/dashboard/ptw/view/{permit.pk}#escalation"  # lands on acknowledge / reassign

    records = EscalationRecord.objects.filter(permit=permit).order_by("reached_at", "level")
    assert [(r.level, r.event_type, r.reached_at, str(r.local_date)) for r in records] == [
        (1, "ptw_overdue", h(4), "2026-03-02"),
        (2, "ptw_escalated", h(8), "2026-03-02"),
        (1, "ptw_overdue", h(15), "2026-03-03"),
        (2, "ptw_escalated", h(15), "2026-03-03"),
    ]
    assert records[1].recipient_ids == sorted(admin.pk for admin in admins)
    assert float(records[1].pending_hours) == 8.0


def test_next_check_moves_to_the_next_level_then_to_the_next_local_midnight(
    escalations_on, project, creator, verifier, admins, permit_type
):
    permit = submit(project, creator, permit_type, at=MONDAY_9AM, verifier=verifier)
    step = WorkflowStep.objects.get(instance__permit=permit)
    assert step.next_check_at == h(4)
    for now, expected in [(h(4), h(8)), (h(8), h(15)), (h(15), h(15 + 24))]:
        check_overdue_workflow_tasks(now=now)
        step.refresh_from_db()
        assert step.next_check_at == expected
    # between checks the step is not even read
    assert check_overdue_workflow_tasks(now=h(16)).counts["steps"] == 0


def test_a_rule_sets_the_limit_of_its_type_and_step_others_keep_the_4_hour_default(
    escalations_on, project, creator, verifier, admins, permit_type
):
    fast = PermitTypeFactory.create(name="Hot work")
    EscalationRuleFactory.create(permit_type=fast, step_name=StepId.VERIFICATION, time_limit_hours=2)
    EscalationRuleFactory.create(permit_type=permit_type, step_name=StepId.APPROVAL, time_limit_hours=1)
    ruled = submit(project, creator, fast, at=MONDAY_9AM, verifier=verifier)
    default = submit(project, creator, permit_type, at=MONDAY_9AM, verifier=verifier)

    sweep_hourly(MONDAY_9AM, 10)

    def times(permit):
        return list(EscalationRecord.objects.filter(permit=permit).values_list("level", "reached_at"))

    assert times(ruled) == [(1, h(2)), (2, h(4))]
    assert times(default) == [(1, h(4)), (2, h(8))]
    message = Notification.objects.get(
        recipient=verifier, notification_type="ptw_overdue", data__permit_id=ruled.pk
    ).message
    assert "(limit 2 h)" in message


def test_escalate_to_role_holders_instead_of_the_admins(
    escalations_on, project, creator, verifier, admins, permit_type
):
    manager = member(project, username="manager", company_type=CompanyType.CLIENT, grade=Grade.C, roles=("manager",))
    EscalationRuleFactory.create(
        permit_type=permit_type, step_name=StepId.VERIFICATION, time_limit_hours=4, escalate_to_role="manager"
    )
    permit = submit(project, creator, permit_type, at=MONDAY_9AM, verifier=verifier)

    check_overdue_workflow_tasks(now=h(8))

    escalated = Notification.objects.filter(notification_type="ptw_escalated", data__permit_id=permit.pk)
    assert list(escalated.values_list("recipient", flat=True)) == [manager.pk]


def test_a_role_nobody_holds_in_the_project_falls_back_to_the_admins(
    escalations_on, project, creator, verifier, admins, permit_type, outsider
):
    EscalationRuleFactory.create(permit_type=permit_type, step_name=StepId.VERIFICATION, escalate_to_role="manager")
    member_elsewhere = member(outsider.projects.get(), username="other_manager", roles=("manager",))
    permit = submit(project, creator, permit_type, at=MONDAY_9AM, verifier=verifier)

    check_overdue_workflow_tasks(now=h(8))

    escalated = Notification.objects.filter(notification_type="ptw_escalated", data__permit_id=permit.pk)
    assert sorted(escalated.values_list("recipient", flat=True)) == sorted(a.pk for a in admins)
    assert not Notification.objects.filter(recipient=member_elsewhere).exists()


def test_overdue_counts_from_pending_since_not_from_the_start_of_the_workflow(
    escalations_on, project, creator, verifier, approver, admins, permit_type
):
    permit = submit(project, creator, permit_type, at=MONDAY_9AM, verifier=verifier)
    # verification done in 1 h, then the approval has been pending 3 h at 1:00 PM: not overdue
    workflow.verify_permit(permit=permit, by=verifier, approve=True, approver=approver, now=h(1))

    sent = sweep_hourly(MONDAY_9AM, 6)

    assert sent == {h(5): [("approver", "ptw_overdue")]}
    assert "approval of permit" in Notification.objects.get(recipient=approver, notification_type="ptw_overdue").message
    verification = WorkflowStep.objects.get(instance__permit=permit, step_id=StepId.VERIFICATION)
    assert verification.next_check_at is None


def test_reassigning_restarts_the_clock(escalations_on, project, creator, verifier, admins, permit_type):
    other = member(project, username="verifier2", company_type=CompanyType.EPC)
    permit = submit(project, creator, permit_type, at=MONDAY_9AM, verifier=verifier)
    workflow.assign_verifier(permit=permit, by=creator, verifier=other, now=h(3))

    assert sweep_hourly(MONDAY_9AM, 8) == {h(7): [("verifier2", "ptw_overdue")]}


def test_it_repeats_once_per_local_day_in_the_projects_time_zone(
    escalations_on, project, creator, verifier, admins, permit_type
):
    project.time_zone = "Asia/Kolkata"  # UTC+05:30: local midnight is 18:30 UTC
    project.save()
    ist = ZoneInfo("Asia/Kolkata")
    pending_since = datetime(2026, 3, 2, 10, 0, tzinfo=ist)
    permit = submit(project, creator, permit_type, at=pending_since, verifier=verifier)

    sent = sweep_hourly(pending_since, 40, step_minutes=30)

    local = {now.astimezone(ist).strftime("%d %H:%M"): [t for _, t in who] for now, who in sent.items()}
    both = ["ptw_escalated", "ptw_escalated", "ptw_overdue"]
    assert local == {
        "02 14:00": ["ptw_overdue"],
        "02 18:00": ["ptw_escalated", "ptw_escalated"],
        "03 00:00": both,  # not at UTC midnight (05:30 local)
        "04 00:00": both,
    }
    dates = EscalationRecord.objects.filter(permit=permit, level=1).values_list("local_date", flat=True)
    assert [str(d) for d in dates] == ["2026-03-02", "2026-03-03", "2026-03-04"]


def test_nobody_assigned_makes_the_creator_overdue_and_escalates_as_usual(
    escalations_on, project, creator, verifier, approver, admins, permit_type
):
    permit = submit(project, creator, permit_type, at=MONDAY_9AM)  # several eligible: none auto-assigned
    assert permit.verifier_id is None

    sent = sweep_hourly(MONDAY_9AM, 8)

    assert sent == {
        h(4): [("creator", "ptw_overdue")],
        h(8): [("area_admin", "ptw_escalated"), ("site_admin", "ptw_escalated")],
    }
    told = Notification.objects.get(recipient=creator, notification_type="ptw_overdue").message
    assert "has had nobody assigned for 4 h 00 min (limit 4 h): you must assign someone." in told
    escalated = Notification.objects.filter(notification_type="ptw_escalated").first().message
    assert f"{creator.display_name} must assign someone" in escalated


def test_an_assignee_who_is_also_an_admin_is_not_told_twice(
    escalations_on, project, creator, grade_a_admin, grade_b_admin, permit_type
):
    submit(project, creator, permit_type, at=MONDAY_9AM, verifier=grade_a_admin)

    check_overdue_workflow_tasks(now=h(8))

    assert sorted(
        Notification.objects.filter(notification_type__in=ESCALATION_TYPES).values_list(
            "recipient__username", "notification_type"
        )
    ) == [("area_admin", "ptw_escalated"), ("site_admin", "ptw_overdue")]


def test_a_late_first_sweep_sends_both_levels_at_once_and_a_rerun_sends_nothing(
    escalations_on, project, creator, verifier, admins, permit_type
):
    permit = submit(project, creator, permit_type, at=MONDAY_9AM, verifier=verifier)

    first = check_overdue_workflow_tasks(now=h(9))
    WorkflowStep.objects.update(next_check_at=MONDAY_9AM)  # force a second look the same day
    second = check_overdue_workflow_tasks(now=h(9, 30))

    assert (first.counts["notifications"], first.counts["records"]) == (3, 2)
    assert (second.counts["steps"], second.counts["notifications"], second.counts["records"]) == (1, 0, 0)
    assert EscalationRecord.objects.filter(permit=permit).count() == 2


def test_escalations_off_sends_nothing_and_leaves_steps_due(settings, project, creator, verifier, admins, permit_type):
    settings.ESCALATIONS_ENABLED = False
    submit(project, creator, permit_type, at=MONDAY_9AM, verifier=verifier)

    report = check_overdue_workflow_tasks(now=h(9))

    assert report.ok and report.counts == {"disabled": 1}
    assert not Notification.objects.filter(notification_type__in=ESCALATION_TYPES).exists()
    assert not EscalationRecord.objects.exists()
    assert WorkflowStep.objects.get().next_check_at == h(4)


def test_notifications_off_sends_nothing(escalations_on, project, creator, verifier, admins, permit_type):
    escalations_on.NOTIFICATIONS_ENABLED = False
    submit(project, creator, permit_type, at=MONDAY_9AM, verifier=verifier)

    report = check_overdue_workflow_tasks(now=h(9))

    assert report.ok and report.counts["notifications"] == 0
    assert not Notification.objects.exists()


def test_a_rule_saved_in_the_admin_applies_to_steps_already_pending(
    escalations_on, project, creator, verifier, admins, permit_type
):
    permit = submit(project, creator, permit_type, at=MONDAY_9AM, verifier=verifier)
    assert check_overdue_workflow_tasks(now=h(1)).counts["steps"] == 0  # default: due at 1:00 PM

    save_escalation_rule(
        rule=EscalationRule(permit_type=permit_type, step_name=StepId.VERIFICATION, time_limit_hours=1), by=None
    )
    sent = sweep_hourly(h(2), 1)

    assert sent == {
        h(2): [("area_admin", "ptw_escalated"), ("site_admin", "ptw_escalated"), ("verifier", "ptw_overdue")]
    }
    assert WorkflowStep.objects.get(instance__permit=permit).next_check_at == h(15)


def test_deactivating_a_rule_returns_pending_steps_to_the_default(
    escalations_on, project, creator, verifier, admins, permit_type
):
    rule = EscalationRuleFactory.create(permit_type=permit_type, step_name=StepId.VERIFICATION, time_limit_hours=12)
    submit(project, creator, permit_type, at=MONDAY_9AM, verifier=verifier)
    assert WorkflowStep.objects.get().next_check_at == h(12)

    rule.is_active = False
    save_escalation_rule(rule=rule, by=None)
    sent = sweep_hourly(h(1), 4)

    assert sent == {h(4): [("verifier", "ptw_overdue")]}
