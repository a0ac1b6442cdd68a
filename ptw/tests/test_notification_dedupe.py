"""Once per local day: the dedupe day turns over at the project's midnight, not UTC's."""

import zoneinfo
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from notifications.models import Notification
from ptw.notification_utils import PermitFacts, create_ptw_notification, generate_dedupe_key, notify_permit_approved
from ptw.tests.factories import PermitFactory, ProjectFactory, member

UTC = UTC
KIRITIMATI = zoneinfo.ZoneInfo("Pacific/Kiritimati")  # UTC+14: local midnight is 10:00 UTC


def utc(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def kiritimati(db):
    return ProjectFactory.create(code="KIRI", name="Line islands", time_zone="Pacific/Kiritimati")


@pytest.fixture
def permit(kiritimati):
    return PermitFactory.create(project=kiritimati, created_by=member(kiritimati, username="kiri_creator"))


@pytest.fixture
def user(kiritimati):
    return member(kiritimati, username="kiri_verifier")


def count(user, event="ptw_verification"):
    return Notification.objects.filter(recipient=user, notification_type=event).count()


def test_the_same_event_twice_the_same_local_day_is_one_notification(permit, user):
    assert (
        create_ptw_notification(user.pk, "ptw_verification", PermitFacts.of(permit), now=utc(2026, 3, 10, 10, 0))
        is not None
    )
    assert (
        create_ptw_notification(user.pk, "ptw_verification", PermitFacts.of(permit), now=utc(2026, 3, 11, 9, 59))
        is None
    )
    assert count(user) == 1


def test_the_next_local_day_is_a_second_notification(permit, user):
    create_ptw_notification(
        user.pk, "ptw_verification", PermitFacts.of(permit), now=utc(2026, 3, 10, 9, 59)
    )  # 23:59 local, 10 March
    create_ptw_notification(
        user.pk, "ptw_verification", PermitFacts.of(permit), now=utc(2026, 3, 10, 10, 0)
    )  # 00:00 local, 11 March
    assert count(user) == 2


def test_crossing_utc_midnight_inside_one_local_day_is_not_a_new_day(permit, user):
    # 23:30 and 00:30 UTC are 13:30 and 14:30 of the same Kiritimati day
    create_ptw_notification(user.pk, "ptw_verification", PermitFacts.of(permit), now=utc(2026, 3, 10, 23, 30))
    create_ptw_notification(user.pk, "ptw_verification", PermitFacts.of(permit), now=utc(2026, 3, 11, 0, 30))
    assert count(user) == 1


def test_the_clock_decides_the_day_when_no_time_is_given(permit, user):
    with time_machine.travel(utc(2026, 3, 10, 9, 0), tick=False):
        create_ptw_notification(user.pk, "ptw_verification", PermitFacts.of(permit), now=timezone.now())
    with time_machine.travel(utc(2026, 3, 10, 9, 59), tick=False):
        create_ptw_notification(user.pk, "ptw_verification", PermitFacts.of(permit), now=timezone.now())
    assert count(user) == 1
    with time_machine.travel(utc(2026, 3, 10, 10, 1), tick=False):
        create_ptw_notification(user.pk, "ptw_verification", PermitFacts.of(permit), now=timezone.now())
    assert count(user) == 2
    created = Notification.objects.filter(recipient=user).order_by("created_at")
    assert [n.created_at for n in created] == [utc(2026, 3, 10, 9, 0), utc(2026, 3, 10, 10, 1)]


def test_the_bulk_helpers_dedupe_by_local_day_too(permit, user):
    permit.verifier = user
    notify_permit_approved(PermitFacts.of(permit), now=utc(2026, 3, 10, 10, 0))
    notify_permit_approved(PermitFacts.of(permit), now=utc(2026, 3, 11, 9, 0))
    notify_permit_approved(PermitFacts.of(permit), now=utc(2026, 3, 11, 10, 0))
    assert count(user, "ptw_approved") == 2
    assert count(permit.created_by, "ptw_approved") == 2


def test_the_dedupe_key_uses_the_permits_project_time_zone_by_default(permit, user):
    late_utc_day = utc(2026, 3, 10, 20, 0)  # 10 March in UTC, 11 March in Kiritimati
    key = generate_dedupe_key(user.pk, "ptw_overdue", permit.pk, now=late_utc_day)
    assert key == generate_dedupe_key(user.pk, "ptw_overdue", permit.pk, now=late_utc_day, tz=KIRITIMATI)
    assert key != generate_dedupe_key(user.pk, "ptw_overdue", permit.pk, now=late_utc_day, tz=UTC)
    assert len(key) == 32


def test_the_dedupe_key_falls_back_to_time_zone_without_a_project(user, settings):
    settings.TIME_ZONE = "America/Los_Angeles"
    evening = utc(2026, 3, 11, 6, 0)  # 10 March 23:00 in Los Angeles
    assert generate_dedupe_key(user.pk, "ptw_overdue", 999_999, now=evening) == generate_dedupe_key(
        user.pk, "ptw_overdue", 999_999, now=evening - timedelta(hours=22), tz=zoneinfo.ZoneInfo("America/Los_Angeles")
    )


def test_extra_separates_otherwise_equal_keys(permit, user):
    now = utc(2026, 3, 10, 12, 0)
    keys = {
        generate_dedupe_key(user.pk, "ptw_escalated", permit.pk, extra, now=now)
        for extra in (None, "verification", "approval")
    }
    assert len(keys) == 3
