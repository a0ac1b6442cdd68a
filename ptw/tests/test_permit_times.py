"""Permit times are bounded at the service: start not too long ago nor too far ahead, end after start,
length at most the permit type's maximum validity; each refusal is a field message."""

from datetime import UTC, datetime, timedelta

import pytest

from ptw.errors import InvalidInput
from ptw.permits import update_permit

NOW = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)


@pytest.fixture
def create(draft):
    """create(start, end) → conftest's draft with those times, created at NOW."""
    return lambda start, end: draft(planned_start_time=start, planned_end_time=end, now=NOW)


def errors_of(call) -> dict:
    with pytest.raises(InvalidInput) as refused:
        call()
    return refused.value.errors


def test_a_start_an_hour_ago_and_eight_hours_long_is_accepted(create):
    permit = create(NOW - timedelta(hours=1), NOW + timedelta(hours=7))

    assert permit.planned_start_time == NOW - timedelta(hours=1)


@pytest.mark.parametrize(
    "start",
    [datetime(1, 1, 1, tzinfo=UTC), datetime(1900, 1, 1, tzinfo=UTC), NOW - timedelta(hours=24, minutes=1)],
)
def test_a_start_longer_ago_than_the_setting_allows_is_refused(create, start):
    errors = errors_of(lambda: create(start, start + timedelta(hours=8)))

    assert errors["planned_start_time"] == ["The planned start may be at most 24 h in the past."]


def test_the_setting_moves_the_bound(create, settings):
    settings.PTW_PERMIT_START_MAX_PAST_HOURS = 2.5
    start = NOW - timedelta(hours=3)

    errors = errors_of(lambda: create(start, start + timedelta(hours=8)))

    assert errors["planned_start_time"] == ["The planned start may be at most 2.5 h in the past."]


def test_a_start_more_than_a_year_ahead_is_refused(create):
    start = datetime(9999, 12, 31, tzinfo=UTC)

    errors = errors_of(lambda: create(start, start))

    assert errors["planned_start_time"] == ["The planned start may be at most 365 days ahead."]


def test_an_end_at_or_before_the_start_is_refused(create):
    errors = errors_of(lambda: create(NOW, NOW))

    assert errors == {"planned_end_time": ["The planned end must be after the planned start."]}


def test_a_permit_longer_than_its_types_maximum_validity_is_refused(create, permit_type):
    permit_type.max_validity_hours = 12
    permit_type.save()

    errors = errors_of(lambda: create(NOW, NOW + timedelta(hours=12, minutes=1)))

    assert errors == {
        "planned_end_time": ["A Cold work permit may run at most 12 h: plan a later end as another permit."]
    }
    assert create(NOW, NOW + timedelta(hours=12)).pk


def test_ten_years_long_is_refused(create):
    errors = errors_of(lambda: create(NOW, NOW + timedelta(days=3650)))

    assert list(errors) == ["planned_end_time"]


def test_an_old_draft_stays_editable_but_its_start_cannot_move_into_the_past(create, creator):
    permit = create(NOW, NOW + timedelta(hours=8))
    later = NOW + timedelta(days=3)

    update_permit(permit=permit, by=creator, title="Replace valve V-2", now=later)
    errors = errors_of(
        lambda: update_permit(permit=permit, by=creator, planned_start_time=NOW + timedelta(minutes=1), now=later)
    )

    assert list(errors) == ["planned_start_time"]
    permit.refresh_from_db()
    assert permit.title == "Replace valve V-2" and permit.planned_start_time == NOW
