"""The board's figures, checked against fixtures computed by hand.

The project is in Kolkata (UTC+05:30) and "now" is 20:00 UTC on 10 March = 01:30 on 11 March
local: any figure computed on UTC days instead of the site's days comes out wrong here.
"""

from datetime import UTC, date, datetime

import pytest

from accounts.models import CompanyType, Grade
from ptw.board.active import active_permits
from ptw.board.blocking import blocking
from ptw.board.counts import board_counts
from ptw.board.limits import step_limits
from ptw.board.step_times import percentile, step_times
from ptw.board.trend import daily_trend
from ptw.board.window import board_window
from ptw.models import PermitIsolationPoint, StepStatus
from ptw.tests.factories import EscalationRuleFactory, IsolationPointFactory, PermitTypeFactory, ProjectFactory, member

from .board_fixtures import NOW, hours, permit, record, step

pytestmark = pytest.mark.django_db

IST = "Asia/Kolkata"


@pytest.fixture
def site(db):
    return ProjectFactory(code="KOL", name="Kolkata site", time_zone=IST)


@pytest.fixture
def people(site):
    return {
        "creator": member(site, username="k_creator", company_type=CompanyType.CONTRACTOR),
        "verifier": member(site, username="k_verifier", company_type=CompanyType.EPC),
        "approver": member(site, username="k_approver", company_type=CompanyType.CLIENT),
        "admin": member(site, username="k_admin", company_type=CompanyType.CLIENT, grade=Grade.A),
    }


@pytest.fixture
def hot_work(db):
    """Verification limit 2 h (a rule); approval has no rule: the 4 h default."""
    permit_type = PermitTypeFactory(name="Hot work")
    EscalationRuleFactory(permit_type=permit_type, step_name="verification", time_limit_hours=2)
    return permit_type


def test_the_window_is_thirty_local_days_ending_today_in_the_site_time_zone(site):
    window = board_window(site, now=NOW)

    assert window.today == date(2026, 3, 11)  # UTC is still on the 10th
    assert window.days[0] == date(2026, 2, 10) and len(window.days) == 30
    assert window.start == datetime(2026, 2, 9, 18, 30, tzinfo=UTC)  # 10 Feb 00:00 in Kolkata


def test_counts_read_live_statuses_limits_and_the_local_day(site, people, hot_work, escalation_levels):
    creator = people["creator"]
    permit(site, hot_work, creator, status="active", end=NOW + hours(0.5))
    permit(site, hot_work, creator, status="active", end=NOW + hours(3))
    permit(site, hot_work, creator, status="approved", end=NOW + hours(50 / 60))  # not started: may still expire
    permit(site, hot_work, creator, status="suspended", end=NOW + hours(5))
    permit(site, hot_work, creator, status="completed", end=NOW + hours(0.2))  # over: never "ending"
    late = permit(site, hot_work, creator, status="submitted")
    fresh = permit(site, hot_work, creator, status="submitted")
    reviewed = permit(site, hot_work, creator, status="under_review")
    late_step = step(late, "verification", since=NOW - hours(3), assignee=people["verifier"])  # 3 h > 2 h rule
    step(fresh, "verification", since=NOW - hours(1), assignee=people["verifier"])  # within 2 h
    step(reviewed, "verification", since=NOW - hours(9), decided=NOW - hours(4))
    approval = step(reviewed, "approval", since=NOW - hours(4), assignee=people["approver"])  # exactly 4 h: overdue
    record(late_step, level=2, local_date=date(2026, 3, 11))  # today, local
    record(approval, level=2, local_date=date(2026, 3, 10))  # yesterday locally (today in UTC)
    record(approval, level=1, local_date=date(2026, 3, 11))  # overdue, not escalated
    elsewhere = ProjectFactory(code="ELSE", time_zone="UTC")
    permit(elsewhere, hot_work, creator, status="active", end=NOW + hours(0.5))

    counts = board_counts(site, now=NOW, limits=step_limits())

    assert counts.as_dict() == {
        "active": 2,
        "ending_soon": 2,  # the active one ending in 30 min, the approved one in 50 min
        "suspended": 1,
        "awaiting_verification": 2,
        "awaiting_approval": 1,
        "steps_overdue": 2,
        "escalated_today": 1,
    }


def test_percentiles_interpolate_between_ranks():
    assert percentile([1.0, 2.0, 3.0, 5.0], 0.5) == 2.5
    assert percentile([1.0, 2.0, 3.0, 5.0], 0.9) == pytest.approx(4.4)  # 3 + (5 - 3) × 0.7
    assert percentile([6.0], 0.9) == 6.0


def test_step_times_per_type_and_step_over_the_window(site, people, hot_work):
    creator = people["creator"]
    start = datetime(2026, 2, 9, 18, 30, tzinfo=UTC)  # the window's first instant
    for taken, decided in [(1, NOW - hours(30)), (2, start), (3, NOW - hours(50)), (5, NOW - hours(1))]:
        step(permit(site, hot_work, creator), "verification", since=decided - hours(taken), decided=decided)
    # decided one minute before the window (23:59 local on 9 Feb): left out, or the median would move
    step(permit(site, hot_work, creator), "verification", since=start - hours(0.5), decided=start - hours(1 / 60))
    reviewed = permit(site, hot_work, creator)
    step(reviewed, "verification", since=NOW - hours(20), decided=NOW - hours(19))
    step(reviewed, "approval", since=NOW - hours(19), decided=NOW - hours(13), status=StepStatus.REJECTED)
    cancelled = permit(site, hot_work, creator)
    step(cancelled, "approval", since=NOW - hours(10), decided=NOW - hours(9), status=StepStatus.SKIPPED)
    other_type = PermitTypeFactory(name="Electrical work")
    step(permit(site, other_type, creator), "approval", since=NOW - hours(3), decided=NOW - hours(2))
    step(permit(ProjectFactory(code="ELSE"), hot_work, creator), "verification", since=NOW - hours(9), decided=NOW)

    stats = {
        (s.permit_type, s.step_id): s
        for s in step_times(site, window=board_window(site, now=NOW), limits=step_limits())
    }

    assert list(stats) == [("Electrical work", "approval"), ("Hot work", "verification"), ("Hot work", "approval")]
    verification = stats[("Hot work", "verification")]
    # decided in 1, 1, 2, 3, 5 h (the reviewed permit's verification took 1 h too)
    assert verification.decided == 5
    assert verification.median_hours == 2.0
    assert verification.p90_hours == pytest.approx(4.2)  # rank 3.6: 3 + (5 - 3) × 0.6
    assert verification.limit_hours == 2 and verification.within_limit == 3
    assert verification.within_share == pytest.approx(0.6)
    approval = stats[("Hot work", "approval")]  # rejected after 6 h; the skipped one is no decision
    assert (approval.decided, approval.median_hours, approval.p90_hours, approval.limit_hours) == (1, 6.0, 6.0, 4)
    assert approval.within_share == 0
    assert stats[("Electrical work", "approval")].within_share == 1


def test_the_daily_trend_counts_local_days_overdue_and_escalated(site, people, hot_work, escalation_levels):
    creator = people["creator"]
    ist = board_window(site, now=NOW).tz
    # Pending since 22:00 local on 9 March, limit 2 h: overdue from midnight until decided at 10:00 on 10 March.
    a = step(
        permit(site, hot_work, creator),
        "verification",
        since=datetime(2026, 3, 9, 22, 0, tzinfo=ist),
        decided=datetime(2026, 3, 10, 10, 0, tzinfo=ist),
    )
    # Waiting since 5 February, still pending: overdue on every day of the window.
    b = step(permit(site, hot_work, creator), "verification", since=datetime(2026, 2, 5, 9, 0, tzinfo=ist))
    # Decided within its limit: never overdue.
    step(permit(site, hot_work, creator), "verification", since=NOW - hours(5), decided=NOW - hours(4))
    # Overdue, but decided before the window opened.
    step(
        permit(site, hot_work, creator),
        "approval",
        since=datetime(2026, 2, 1, tzinfo=ist),
        decided=datetime(2026, 2, 9, 23, 0, tzinfo=ist),
    )
    record(a, level=2, local_date=date(2026, 3, 10))
    record(b, level=2, local_date=date(2026, 3, 10))
    record(b, level=2, local_date=date(2026, 3, 11))
    record(b, level=1, local_date=date(2026, 3, 11))  # overdue level: not an escalation
    record(b, level=2, local_date=date(2026, 2, 9))  # before the window

    trend = {
        day.day: (day.overdue, day.escalated)
        for day in daily_trend(site, window=board_window(site, now=NOW), limits=step_limits())
    }

    assert len(trend) == 30
    assert trend[date(2026, 3, 9)] == (1, 0)  # a was not yet overdue at midnight
    assert trend[date(2026, 3, 10)] == (2, 2)
    assert trend[date(2026, 3, 11)] == (1, 1)
    assert trend[date(2026, 2, 10)] == (1, 0)
    assert sum(overdue for overdue, _ in trend.values()) == 31
    assert sum(escalated for _, escalated in trend.values()) == 3


def test_blockers_are_grouped_by_assignee_oldest_first(site, people, hot_work):
    creator, verifier, approver = people["creator"], people["verifier"], people["approver"]
    step(permit(site, hot_work, creator, status="submitted"), "verification", since=NOW - hours(1), assignee=verifier)
    step(permit(site, hot_work, creator, status="submitted"), "verification", since=NOW - hours(3), assignee=verifier)
    step(permit(site, hot_work, creator, status="under_review"), "approval", since=NOW - hours(4), assignee=approver)
    step(permit(site, hot_work, creator, status="submitted"), "verification", since=NOW - hours(0.5))

    blockers = blocking(site, now=NOW, limits=step_limits())

    assert [b.assignee for b in blockers] == [approver, verifier, None]
    assert [[s.waited for s in b.steps] for b in blockers] == [[hours(4)], [hours(3), hours(1)], [hours(0.5)]]
    assert [[s.is_overdue for s in b.steps] for b in blockers] == [[True], [True, False], [False]]
    assert [b.overdue for b in blockers] == [1, 1, 0]
    assert blockers[1].steps[0].share_of_limit == 1.5


def test_active_permits_soonest_end_first_with_their_isolation_state(site, people, hot_work):
    creator = people["creator"]
    isolated = permit(site, hot_work, creator, status="active", end=NOW + hours(2), location="Tank T-7")
    half = permit(site, hot_work, creator, status="active", end=NOW - hours(0.1))
    plain = permit(site, hot_work, creator, status="active", end=NOW + hours(6))
    permit(site, hot_work, creator, status="suspended", end=NOW + hours(1))
    for target, states in [(isolated, ["verified", "verified"]), (half, ["verified", "isolated"])]:
        for state in states:
            PermitIsolationPoint.objects.create(
                permit=target, point=IsolationPointFactory(project=site), status=state, assigned_at=NOW
            )

    active = active_permits(site, now=NOW)

    assert [item.permit for item in active] == [half, isolated, plain]
    assert [item.isolation.label for item in active] == ["1 of 2 verified", "Verified (2/2)", "No isolation"]
    assert active[0].is_past_end and active[0].remaining == -hours(0.1)


def test_the_board_reads_in_a_fixed_number_of_queries(
    site, people, hot_work, django_assert_num_queries, django_assert_max_num_queries
):
    creator = people["creator"]
    for index in range(12):
        live = permit(site, hot_work, creator, status="submitted")
        step(live, "verification", since=NOW - hours(index), assignee=people["verifier"])
        permit(site, hot_work, creator, status="active", end=NOW + hours(index + 1))
    limits = step_limits()
    window = board_window(site, now=NOW)

    with django_assert_num_queries(4):  # permits by status, overdue steps, escalation levels, today's escalations
        board_counts(site, now=NOW, limits=limits)
    with django_assert_num_queries(1):
        active_permits(site, now=NOW)
    with django_assert_num_queries(1):
        blocking(site, now=NOW, limits=limits)
    with django_assert_max_num_queries(2):  # the window's steps, then their permits' types (if any)
        step_times(site, window=window, limits=limits)
    with django_assert_num_queries(4):  # steps, their permits' types, escalation levels, records per day
        daily_trend(site, window=window, limits=limits)
