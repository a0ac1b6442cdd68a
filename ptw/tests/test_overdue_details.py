"""The overdue sweep's details a person reads or relies on: exact messages, data, keys, records and
schedules; levels switched off; one step's failure; and the duration format everyone shares."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from notifications.models import Notification
from ptw.durations import format_duration, format_hours
from ptw.escalation import check_overdue_workflow_tasks
from ptw.jobs import overdue
from ptw.models import EscalationLevel, EscalationRecord, EscalationRule, JobRun, StepId, WorkflowStep
from ptw.models.escalation import EscalationAudience
from ptw.notification_utils import generate_dedupe_key
from ptw.tests.factories import PermitTypeFactory, member
from ptw.tests.test_escalation import MONDAY_9AM, h, submit

pytestmark = pytest.mark.usefixtures("escalations_on")


def told(user, event_type="ptw_overdue") -> Notification:
    return Notification.objects.get(recipient=user, notification_type=event_type)


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(seconds=-5), "0 min"),
        (timedelta(seconds=59), "0 min"),
        (timedelta(minutes=59, seconds=59), "59 min"),
        (timedelta(hours=1), "1 h 00 min"),
        (timedelta(hours=23, minutes=59), "23 h 59 min"),
        (timedelta(days=1), "1 d 0 h"),
        (timedelta(days=2, hours=5, minutes=30), "2 d 5 h"),
    ],
)
def test_durations_read_in_days_hours_and_minutes(delta, text):
    assert format_duration(delta) == text


@pytest.mark.parametrize(("hours", "text"), [("4.00", "4"), ("2.50", "2.5"), ("0.25", "0.25"), ("12", "12")])
def test_hour_limits_read_without_trailing_zeros(hours, text):
    assert format_hours(Decimal(hours)) == text


def test_the_overdue_notice_carries_the_step_level_and_times_and_is_keyed_by_step_and_level(
    project, creator, verifier, permit_type
):
    permit = submit(project, creator, permit_type, at=MONDAY_9AM, verifier=verifier)
    step = WorkflowStep.objects.get(instance__permit=permit)

    check_overdue_workflow_tasks(now=h(5, 30))

    notice = told(verifier)
    assert notice.title == f"Task overdue: {permit.permit_number}"
    assert notice.data == {
        "permit_id": permit.pk,
        "permit_number": permit.permit_number,
        "permit_type": permit_type.name,
        "step": "verification",
        "step_pk": step.pk,
        "level": 1,
        "assignee_id": verifier.pk,
        "pending_hours": 5.5,
        "time_limit_hours": 4.0,
        "about": f"{permit.permit_number} ({permit.title})",
        "time_zone": "UTC",
        "waiting_since": MONDAY_9AM.isoformat(),
    }
    assert notice.dedupe_key == generate_dedupe_key(
        verifier.pk, "ptw_overdue", permit.pk, f"step:{step.pk}:level:1", now=h(5, 30), tz=ZoneInfo("UTC")
    )
    assert (notice.subject_type, notice.subject_id, notice.created_at) == ("ptw.permit", permit.pk, h(5, 30))


def test_the_escalation_names_who_holds_the_step_and_how_long_against_a_fractional_limit(
    project, creator, verifier, grade_a_admin, permit_type
):
    EscalationRule.objects.create(permit_type=permit_type, step_name=StepId.VERIFICATION, time_limit_hours="2.5")
    permit = submit(project, creator, permit_type, at=MONDAY_9AM, verifier=verifier)

    check_overdue_workflow_tasks(now=h(26, 10))

    assert told(grade_a_admin, "ptw_escalated").message == (
        f"The verification of permit {permit.permit_number} (Replace valve V-101) has been pending with "
        f"{verifier.display_name} for 1 d 2 h (limit 2.5 h). It has been escalated to you."
    )
    assert told(verifier).message == (
        f"The verification of permit {permit.permit_number} (Replace valve V-101) has been pending with "
        "you for 1 d 2 h (limit 2.5 h)."
    )


def test_an_unassigned_step_tells_the_creator_to_assign_and_the_admins_who_must(
    project, creator, verifier, approver, grade_a_admin, permit_type
):
    permit = submit(project, creator, permit_type, at=MONDAY_9AM)  # several eligible: nobody assigned

    check_overdue_workflow_tasks(now=h(8))

    what = f"The verification of permit {permit.permit_number} (Replace valve V-101) has had nobody assigned for"
    assert told(creator).message == f"{what} 8 h 00 min (limit 4 h): you must assign someone."
    assert told(grade_a_admin, "ptw_escalated").message == (
        f"{what} 8 h 00 min (limit 4 h): {creator.display_name} must assign someone. It has been escalated to you."
    )
    assert told(creator).data["assignee_id"] is None


def test_each_level_reached_is_a_notice_of_its_own_the_same_day(project, creator, verifier, permit_type):
    EscalationLevel.objects.create(
        level=3, multiplier=3, event_type="ptw_overdue", audience=EscalationAudience.ASSIGNEE
    )
    submit(project, creator, permit_type, at=MONDAY_9AM, verifier=verifier)

    check_overdue_workflow_tasks(now=h(4))
    check_overdue_workflow_tasks(now=h(12))

    levels = Notification.objects.filter(recipient=verifier, notification_type="ptw_overdue")
    assert sorted(levels.values_list("data__level", flat=True)) == [1, 3]


def test_each_step_is_a_notice_of_its_own(project, creator, verifier, permit_type):
    first = submit(project, creator, permit_type, at=MONDAY_9AM, verifier=verifier)
    second = submit(project, creator, permit_type, at=MONDAY_9AM, verifier=verifier)

    check_overdue_workflow_tasks(now=h(4))

    notices = Notification.objects.filter(recipient=verifier, notification_type="ptw_overdue")
    assert sorted(notices.values_list("data__permit_id", flat=True)) == sorted([first.pk, second.pk])


def test_a_level_switched_off_is_neither_sent_nor_waited_for(project, creator, verifier, grade_a_admin, permit_type):
    EscalationLevel.objects.filter(level=2).update(is_active=False)
    permit = submit(project, creator, permit_type, at=MONDAY_9AM, verifier=verifier)

    report = check_overdue_workflow_tasks(now=h(9))

    assert report.counts == {"steps": 1, "notifications": 1, "records": 1}
    assert not Notification.objects.filter(notification_type="ptw_escalated").exists()
    # no threshold left today: the next look is the next local midnight, to repeat level 1
    assert WorkflowStep.objects.get(instance__permit=permit).next_check_at == datetime(2026, 3, 3, tzinfo=UTC)


def test_a_step_not_yet_due_is_not_read_and_its_next_check_is_its_next_level(project, creator, verifier, permit_type):
    permit = submit(project, creator, permit_type, at=MONDAY_9AM, verifier=verifier)

    assert check_overdue_workflow_tasks(now=h(3, 59)).counts == {}
    check_overdue_workflow_tasks(now=h(4))

    assert WorkflowStep.objects.get(instance__permit=permit).next_check_at == h(8)


def test_the_record_says_what_was_reached_when_and_for_whom(project, creator, verifier, grade_a_admin, permit_type):
    project.time_zone = "Asia/Kolkata"
    project.save()
    permit = submit(project, creator, permit_type, at=MONDAY_9AM, verifier=verifier)
    step = WorkflowStep.objects.get(instance__permit=permit)

    check_overdue_workflow_tasks(now=h(9, 15))

    records = EscalationRecord.objects.filter(permit=permit).order_by("level")
    assert [
        (r.step_id, r.level, r.event_type, r.reached_at, str(r.local_date), r.pending_hours, r.recipient_ids)
        for r in records
    ] == [
        (step.pk, 1, "ptw_overdue", h(9, 15), "2026-03-02", Decimal("9.25"), [verifier.pk]),
        (step.pk, 2, "ptw_escalated", h(9, 15), "2026-03-02", Decimal("9.25"), [grade_a_admin.pk]),
    ]
    # reached levels repeat at the project's next local midnight (18:30 UTC)
    assert step.__class__.objects.get(pk=step.pk).next_check_at == datetime(2026, 3, 2, 18, 30, tzinfo=UTC)


def test_only_the_role_holders_of_the_permits_project_are_told(
    project, creator, verifier, grade_a_admin, outsider, permit_type
):
    EscalationRule.objects.create(
        permit_type=permit_type, step_name=StepId.VERIFICATION, time_limit_hours=4, escalate_to_role="manager"
    )
    manager = member(project, username="manager_here")
    for user in (manager, outsider):  # the outsider is a manager too, in another project
        user.memberships.get().roles.create(name="manager")
    submit(project, creator, permit_type, at=MONDAY_9AM, verifier=verifier)

    check_overdue_workflow_tasks(now=h(8))

    assert list(
        Notification.objects.filter(notification_type="ptw_escalated").values_list("recipient__username", flat=True)
    ) == ["manager_here"]


@pytest.mark.parametrize(
    ("column", "value", "problem"),
    [
        ("audience", "nobody", "Escalation level 2 has an unknown audience 'nobody'."),
        ("event_type", "ptw_made_up", "Escalation level 2 has an unknown event type 'ptw_made_up'."),
    ],
)
def test_a_bad_level_forced_into_the_database_fails_only_that_level_and_is_recorded(
    project, creator, verifier, permit_type, column, value, problem
):
    EscalationLevel.objects.filter(level=2).update(**{column: value})  # past the model's validation
    permit = submit(project, creator, permit_type, at=MONDAY_9AM, verifier=verifier)
    other = submit(project, creator, permit_type, at=MONDAY_9AM, verifier=verifier)

    report = check_overdue_workflow_tasks(now=h(9))

    assert not report.ok
    assert len(report.errors) == 1 and report.errors[0].endswith(problem)  # once per run, naming a step
    assert report.counts["failed_levels"] == 1 and report.counts["steps"] == 2
    run = JobRun.objects.get(job="check_overdue_workflow_tasks")
    assert run.ok is False and problem in run.error
    for each in (permit, other):  # level 1 went out for both; level 2 for neither
        sent = Notification.objects.filter(subject_id=each.pk).values_list("notification_type", flat=True)
        assert "ptw_overdue" in sent and "ptw_escalated" not in sent


def test_after_a_failed_batch_each_other_step_is_claimed_and_sent_once(
    settings, project, creator, verifier, permit_type, monkeypatch
):
    settings.PTW_SWEEP_BATCH_SIZE = 2
    permits = [submit(project, creator, permit_type, at=MONDAY_9AM, verifier=verifier) for _ in range(5)]
    bad = permits[1].pk
    original = overdue._plan

    def plan(step, *args, **kwargs):
        if step.permit.id == bad:
            raise RuntimeError("injected fault")
        return original(step, *args, **kwargs)

    monkeypatch.setattr(overdue, "_plan", plan)

    report = check_overdue_workflow_tasks(now=h(4))

    assert (report.counts["failed"], report.counts["notifications"], report.counts["steps"]) == (1, 4, 4)
    notified = Notification.objects.filter(notification_type="ptw_overdue").values_list("data__permit_id", flat=True)
    assert sorted(notified) == sorted(p.pk for p in permits if p.pk != bad)
    assert WorkflowStep.objects.get(instance__permit_id=bad).next_check_at == h(4)  # left due for the next run


def test_only_pending_steps_are_swept_whatever_their_next_check_says(project, creator, verifier, permit_type):
    permit = submit(project, creator, permit_type, at=MONDAY_9AM, verifier=verifier)
    WorkflowStep.objects.filter(instance__permit=permit).update(status="approved")  # done, a stale next check left

    assert check_overdue_workflow_tasks(now=h(9)).counts == {}
    assert not Notification.objects.filter(notification_type__in=["ptw_overdue", "ptw_escalated"]).exists()


@pytest.mark.parametrize(
    ("first", "last", "shown"),
    [("", "", "no_name"), ("Asha", "", "Asha"), ("", "Rao", "Rao"), ("Asha", "Rao", "Asha Rao")],
)
def test_people_are_named_as_the_pages_name_them(project, creator, grade_a_admin, permit_type, first, last, shown):
    holder = member(project, username="no_name", company_type="epc", first_name=first, last_name=last)
    assert holder.display_name == shown
    creator.first_name, creator.last_name = last, first  # the creator named the other way round
    creator.save()
    submit(project, creator, permit_type, at=MONDAY_9AM, verifier=holder)
    unassigned = submit(project, creator, permit_type, at=MONDAY_9AM)
    WorkflowStep.objects.filter(instance__permit=unassigned).update(assignee=None)

    check_overdue_workflow_tasks(now=h(8))

    messages = list(
        Notification.objects.filter(recipient=grade_a_admin, notification_type="ptw_escalated").values_list(
            "message", flat=True
        )
    )
    assert any(f"pending with {shown} for 8 h 00 min" in message for message in messages)
    assert any(f"{creator.display_name} must assign someone" in message for message in messages)


def test_pending_hours_are_exact_to_the_hundredth(project, creator, verifier, grade_a_admin, permit_type):
    permit = submit(project, creator, permit_type, at=MONDAY_9AM, verifier=verifier)

    check_overdue_workflow_tasks(now=h(26, 10))

    assert told(verifier).data["pending_hours"] == 26.17
    assert EscalationRecord.objects.get(permit=permit, level=1).pending_hours == Decimal("26.17")


def test_the_next_check_is_the_next_local_midnight_even_when_utc_is_still_on_the_day_before(
    project, creator, verifier, permit_type
):
    project.time_zone = "Asia/Kolkata"  # UTC+5:30
    project.save()
    permit = submit(project, creator, permit_type, at=MONDAY_9AM, verifier=verifier)

    check_overdue_workflow_tasks(now=h(11))  # 20:00 UTC on 2 March is 01:30 on 3 March in Kolkata

    assert str(EscalationRecord.objects.get(permit=permit, level=1).local_date) == "2026-03-03"
    assert WorkflowStep.objects.get(instance__permit=permit).next_check_at == datetime(2026, 3, 3, 18, 30, tzinfo=UTC)


def test_admins_who_left_or_were_deactivated_are_not_told(project, creator, verifier, grade_a_admin, permit_type):
    gone = member(project, username="gone_admin", grade="A")
    gone.memberships.update(is_active=False)
    disabled = member(project, username="disabled_admin", grade="B")
    disabled.is_active = False
    disabled.save()
    submit(project, creator, permit_type, at=MONDAY_9AM, verifier=verifier)

    check_overdue_workflow_tasks(now=h(8))

    assert list(
        Notification.objects.filter(notification_type="ptw_escalated").values_list("recipient__username", flat=True)
    ) == [grade_a_admin.username]


def test_a_role_holder_is_told_only_for_the_rules_that_name_their_role(
    project, creator, verifier, grade_a_admin, permit_type
):
    other_type = PermitTypeFactory.create(name="Hot work")
    EscalationRule.objects.create(
        permit_type=other_type, step_name=StepId.VERIFICATION, time_limit_hours=4, escalate_to_role="manager"
    )
    manager = member(project, username="manager_c", roles=("manager",))  # Grade C: not an admin
    by_role = submit(project, creator, other_type, at=MONDAY_9AM, verifier=verifier)
    by_default = submit(project, creator, permit_type, at=MONDAY_9AM, verifier=verifier)

    check_overdue_workflow_tasks(now=h(8))  # both escalate in one batch

    escalated = Notification.objects.filter(notification_type="ptw_escalated")
    assert sorted(escalated.values_list("recipient__username", "data__permit_id")) == sorted(
        [(manager.username, by_role.pk), (grade_a_admin.username, by_default.pk)]
    )
