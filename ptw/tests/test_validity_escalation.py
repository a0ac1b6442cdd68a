"""Unanswered extension and handover requests escalate like workflow steps (issue 15, part 2–3):
the answerer at 1× the time limit, the project's Grade A/B admins at 2×, each exactly once."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Count

from notifications.models import Notification
from ptw.escalation import auto_expire_permits, check_pending_validity_requests
from ptw.extensions import decide_extension, request_extension
from ptw.handover import request_handover
from ptw.models import PermitExtension, PermitStatus
from ptw.tests.conftest import at
from ptw.tests.factories import member
from ptw.tests.test_jobs_concurrency import run_together

S = PermitStatus


@pytest.fixture
def on(escalations_on, grade_a_admin, grade_b_admin):
    return escalations_on


def minute_by_minute(start, until):
    moment = start
    while moment <= until:
        assert check_pending_validity_requests(now=moment).ok
        moment += timedelta(minutes=1)


def escalations():
    return list(
        Notification.objects.filter(notification_type__in=["ptw_overdue", "ptw_escalated"])
        .order_by("created_at", "recipient__username")
        .values_list("created_at", "recipient__username", "notification_type")
    )


def test_minute_by_minute_an_unanswered_extension_is_overdue_at_1x_and_escalated_at_2x_once(on, live_permit, creator):
    permit = live_permit(S.ACTIVE, end=at(20))
    request_extension(permit=permit, by=creator, new_end=at(22), reason="Rain.", now=at(14))

    minute_by_minute(at(14), at(17))

    assert escalations() == [
        (at(15), "approver", "ptw_overdue"),
        (at(16), "area_admin", "ptw_escalated"),
        (at(16), "site_admin", "ptw_escalated"),
    ]
    extension = PermitExtension.objects.get()
    assert (extension.escalation_level, extension.next_check_at) == (2, None)
    note = Notification.objects.get(notification_type="ptw_escalated", recipient__username="site_admin")
    assert "has waited 2 h 00 min for" in note.message and "It has been escalated to you." in note.message
    assert "still expires at its current end" in note.message


def test_an_answer_in_time_escalates_nothing(on, live_permit, creator, approver):
    permit = live_permit(S.ACTIVE, end=at(20))
    extension = request_extension(permit=permit, by=creator, new_end=at(22), reason="Rain.", now=at(14))
    decide_extension(permit=permit, by=approver, extension=extension, approve=True, now=at(14, 50))

    minute_by_minute(at(14), at(17))

    assert escalations() == []


def test_a_handover_waits_on_the_incoming_member_with_the_types_own_limit(
    on, live_permit, creator, project, permit_type
):
    permit_type.request_time_limit_hours = 0.5
    permit_type.save()
    night_lead = member(project, username="night_lead")
    permit = live_permit(S.ACTIVE, end=at(20))
    request_handover(permit=permit, by=creator, to_user=night_lead, now=at(14))

    minute_by_minute(at(14), at(15, 30))

    assert escalations() == [
        (at(14, 30), "night_lead", "ptw_overdue"),
        (at(15), "area_admin", "ptw_escalated"),
        (at(15), "site_admin", "ptw_escalated"),
    ]


def test_a_late_check_sends_both_levels_once(on, live_permit, creator):
    permit = live_permit(S.ACTIVE, end=at(20))
    request_extension(permit=permit, by=creator, new_end=at(22), reason="Rain.", now=at(14))

    for _ in range(3):
        check_pending_validity_requests(now=at(18))

    assert [kind for *_, kind in escalations()] == ["ptw_overdue", "ptw_escalated", "ptw_escalated"]


def test_a_request_that_lapsed_with_its_permit_no_longer_escalates(on, live_permit, creator):
    permit = live_permit(S.ACTIVE, end=at(15))
    request_extension(permit=permit, by=creator, new_end=at(17), reason="Rain.", now=at(14, 30))
    auto_expire_permits(now=at(15))

    minute_by_minute(at(15), at(17))

    assert escalations() == []


def test_nothing_happens_while_escalations_are_off(settings, live_permit, creator):
    settings.ESCALATIONS_ENABLED = False
    permit = live_permit(S.ACTIVE, end=at(20))
    request_extension(permit=permit, by=creator, new_end=at(22), reason="Rain.", now=at(14))

    assert check_pending_validity_requests(now=at(18)).counts == {"disabled": 1}
    assert escalations() == []


def test_a_batch_costs_the_same_queries_however_many_requests_it_holds(
    on, live_permit, creator, django_assert_max_num_queries
):
    for _ in range(5):
        permit = live_permit(S.ACTIVE, end=at(20))
        request_extension(permit=permit, by=creator, new_end=at(22), reason="Rain.", now=at(14))

    # abandoned runs closed, run record; per kind: savepoint, claim, admins, members check, insert, two updates,
    # release; run outcome
    with django_assert_max_num_queries(21 if connection.vendor == "postgresql" else 19):
        report = check_pending_validity_requests(now=at(16))
    assert report.counts["extension_requests"] == 5 and report.counts["extension_notifications"] == 15


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_four_checks_at_once_send_each_notification_exactly_once(on, live_permit, creator, settings):
    settings.PTW_SWEEP_BATCH_SIZE = 4
    for _ in range(20):
        permit = live_permit(S.ACTIVE, end=at(20))
        request_extension(permit=permit, by=creator, new_end=at(22), reason="Rain.", now=at(14))

    reports = run_together(check_pending_validity_requests, now=at(16, 30))

    assert sum(report.counts["extension_requests"] for report in reports) == 20
    escalated = Notification.objects.filter(notification_type__in=["ptw_overdue", "ptw_escalated"])
    per_notice = escalated.values("recipient", "subject_id", "notification_type").annotate(n=Count("id"))
    assert {row["n"] for row in per_notice} == {1} and per_notice.count() == 60
