"""Escalation chains (issue 12): warnings before the limit, tiers, a repeat, empty levels passed on."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from notifications.models import Notification
from ptw.errors import InvalidInput
from ptw.escalation import check_overdue_workflow_tasks
from ptw.escalation_chains import ChainLevel, chain_preview
from ptw.escalation_rules import save_escalation_chain
from ptw.models import EscalationRecord, StepId, WorkflowStep
from ptw.tests.chains import level
from ptw.tests.factories import EscalationRuleFactory
from ptw.tests.test_escalation import h, submit

CHAIN_TYPES = ("ptw_task_due_soon", "ptw_overdue", "ptw_escalated")


def sweep(hours):
    """Run the sweep at each of `hours` after 9 AM; {hour: [(username, type), ...]} of what each sent."""
    sent = {}
    for hour in hours:
        now = h(hour)
        report = check_overdue_workflow_tasks(now=now)
        assert report.ok, report.errors
        new = Notification.objects.filter(created_at=now, notification_type__in=CHAIN_TYPES)
        if new:
            sent[hour] = sorted(new.values_list("recipient__username", "notification_type"))
    return sent


def test_example_2_with_a_chain_hour_by_hour(
    escalations_on, project, creator, verifier, grade_a_admin, grade_b_admin, safety_officer, hot_work_rule, permit_type
):
    permit = submit(project, creator, permit_type, at=h(0), verifier=verifier)

    sent = sweep(range(17))

    assert sent == {
        3: [("verifier", "ptw_task_due_soon")],  # 12:00, 0.75 × 4 h
        4: [("verifier", "ptw_overdue")],  # 13:00, 1×
        8: [("safety_officer", "ptw_escalated")],  # 17:00, 2×: the rule's role
        12: [("site_admin", "ptw_escalated")],  # 21:00, 3×: Grade A admins
        14: [("site_admin", "ptw_escalated")],  # 23:00, the repeat
        15: [  # midnight: a new local day, the levels again (not the warning, not yesterday's repeat)
            ("safety_officer", "ptw_escalated"),
            ("site_admin", "ptw_escalated"),
            ("verifier", "ptw_overdue"),
        ],
        16: [("site_admin", "ptw_escalated")],  # 01:00, the second repeat
    }
    warning = Notification.objects.get(notification_type="ptw_task_due_soon")
    assert warning.message == (
        f"The verification of permit {permit.permit_number} (Replace valve V-101) is due in 1 h 00 min "
        "(limit 4 h), with you."
    )
    assert "Nobody has acted on it yet." in Notification.objects.get(created_at=h(14)).message
    repeats = EscalationRecord.objects.filter(permit=permit, level=4).values_list("repeat", "reached_at")
    assert list(repeats) == [(0, h(12)), (1, h(14)), (0, h(15)), (2, h(16))]
    assert WorkflowStep.objects.get(instance__permit=permit).next_check_at == h(18)


def test_the_first_check_is_the_chains_first_level(project, creator, verifier, hot_work_rule, permit_type):
    permit = submit(project, creator, permit_type, at=h(0), verifier=verifier)
    assert WorkflowStep.objects.get(instance__permit=permit).next_check_at == h(3)


def test_a_level_with_nobody_to_tell_passes_to_the_next_at_once(
    escalations_on, project, creator, verifier, grade_a_admin, permit_type
):
    rule = EscalationRuleFactory.create(project=project, permit_type=permit_type, step_name=StepId.VERIFICATION)
    chain = [
        level(1, 1, "assignee", "ptw_overdue"),
        level(2, 2, "role", "ptw_escalated", role="site_manager"),  # nobody holds it
        level(3, 3, "grade_a", "ptw_escalated"),
    ]
    save_escalation_chain(rule=rule, levels=chain, by=None)
    permit = submit(project, creator, permit_type, at=h(0), verifier=verifier)

    sent = sweep(range(13))

    assert sent == {4: [("verifier", "ptw_overdue")], 8: [("site_admin", "ptw_escalated")]}
    assert not EscalationRecord.objects.filter(permit=permit, level=2).exclude(recipient_ids=[]).exists()


def test_a_rule_without_levels_follows_the_global_chain(
    escalations_on, project, creator, verifier, grade_a_admin, grade_b_admin, permit_type
):
    EscalationRuleFactory.create(project=project, permit_type=permit_type, step_name=StepId.VERIFICATION)
    submit(project, creator, permit_type, at=h(0), verifier=verifier)
    assert sweep([4, 8]) == {
        4: [("verifier", "ptw_overdue")],
        8: [("area_admin", "ptw_escalated"), ("site_admin", "ptw_escalated")],
    }


def test_an_unknown_event_type_or_a_role_level_without_a_role_is_refused_at_save(project, permit_type):
    rule = EscalationRuleFactory.create(project=project, permit_type=permit_type)
    with pytest.raises(ValidationError):
        level(1, 1, "assignee", "ptw_made_up").full_clean(exclude=["rule"])
    for bad in (level(1, 1, "assignee", "ptw_made_up"), level(1, 1, "role", "ptw_escalated")):
        with pytest.raises(InvalidInput):
            save_escalation_chain(rule=rule, levels=[bad], by=None)
    assert not rule.levels.exists()


def test_the_preview_reads_like_the_issue():
    levels = [
        ChainLevel(1, Decimal("0.75"), "ptw_task_due_soon", "assignee"),
        ChainLevel(2, Decimal("1"), "ptw_overdue", "assignee"),
        ChainLevel(3, Decimal("2"), "ptw_escalated", "escalation"),
        ChainLevel(4, Decimal("3"), "ptw_escalated", "grade_a", repeat_every=h(2) - h(0)),
    ]
    assert chain_preview(
        levels, title="Hot Work verification", limit_hours=Decimal(4), step_role="verifier", rule_role="safety_officer"
    ) == (
        "Hot Work verification, 4 h: 3 h → verifier; 4 h → verifier; 8 h → safety_officer; "
        "12 h → Grade A admins; then every 2 h"
    )
