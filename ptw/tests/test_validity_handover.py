"""Shift handover (issue 15, part 3) over the API and the policy, hour by hour under time-machine."""

from datetime import timedelta

import pytest
import time_machine

from notifications.models import Notification
from ptw.escalation import check_expiring_permits
from ptw.isolation import assign_isolation_point, isolate_point, verify_isolation
from ptw.models import HandoverConfirmation, HandoverStatus, PermitEvent, PermitHandover, PermitStatus
from ptw.tests.conftest import at, permit_url
from ptw.tests.factories import IsolationPointFactory, member

S = PermitStatus


@pytest.fixture
def night_lead(project):
    return member(project, username="night_lead", first_name="Nadia", last_name="Lead")


@pytest.fixture
def api(client_for):
    def post(user, moment, permit, path, body):
        with time_machine.travel(moment, tick=False):
            return client_for(user).post(permit_url(permit, path), body, format="json")

    return post


@pytest.fixture
def isolated_permit(live_permit, project, creator, verifier):
    """Active, ending 17:00, with two points in place (one verified, one isolated) and one only assigned."""
    permit = live_permit(S.ACTIVE, end=at(17))
    points = []
    for code in ("E-BRK-1", "V-VLV-2", "X-SPARE-3"):
        point = IsolationPointFactory.create(project=project, code=code)
        points.append(assign_isolation_point(permit=permit, by=creator, point=point, required=False, now=at(9)))
    for assignment in points[:2]:
        isolate_point(permit=permit, by=creator, assignment=assignment, lock_ids=["L1"], now=at(9, 5))
    verify_isolation(permit=permit, by=verifier, assignment=points[0], now=at(9, 10))
    permit.points = points
    return permit


def hand_over(api, by, permit, to, *, when=at(14)):  # noqa: B008
    return api(by, when, permit, "workflow/request-handover/", {"to_user_id": to.pk, "note": "Night shift."})


def accept(api, by, permit, handover_id, points, *, when=at(14, 20)):  # noqa: B008
    return api(by, when, permit, f"handovers/{handover_id}/accept/", {"confirmed_points": [p.pk for p in points]})


def told(event_type):
    return sorted(
        Notification.objects.filter(notification_type=event_type).values_list("recipient__username", flat=True)
    )


def test_the_incoming_holder_is_told_which_points_to_confirm_and_the_holder_stays_responsible(
    api, isolated_permit, creator, night_lead
):
    response = hand_over(api, creator, isolated_permit, night_lead)

    assert response.status_code == 201 and response.json()["status"] == "pending"
    assert told("ptw_handover_requested") == ["night_lead"]
    message = Notification.objects.get(notification_type="ptw_handover_requested").message
    assert "E-BRK-1, V-VLV-2" in message and "X-SPARE-3" not in message
    assert "stays responsible" in message
    isolated_permit.refresh_from_db()
    assert isolated_permit.holder_user_id == creator.pk


def test_accepting_needs_every_point_in_place_confirmed_and_records_each(
    api, isolated_permit, creator, night_lead, approver, client_for
):
    handover_id = hand_over(api, creator, isolated_permit, night_lead).json()["id"]
    in_place = isolated_permit.points[:2]

    partial = accept(api, night_lead, isolated_permit, handover_id, in_place[:1])
    assert partial.status_code == 400 and "V-VLV-2" in partial.json()["confirmed_points"][0]
    stray = accept(api, night_lead, isolated_permit, handover_id, isolated_permit.points)
    assert stray.status_code == 400  # X-SPARE-3 is not in place: it cannot be confirmed
    response = accept(api, night_lead, isolated_permit, handover_id, in_place)

    assert response.status_code == 200 and response.json()["status"] == "accepted"
    assert sorted(HandoverConfirmation.objects.values_list("point_code", "isolation_status", "confirmed_by")) == [
        ("E-BRK-1", "verified", night_lead.pk),
        ("V-VLV-2", "isolated", night_lead.pk),
    ]
    isolated_permit.refresh_from_db()
    assert isolated_permit.holder_id == night_lead.pk
    assert told("ptw_handover_accepted") == ["approver", "creator"]
    detail = client_for(creator).get(permit_url(isolated_permit)).json()
    assert detail["holder"]["username"] == "night_lead"
    event = PermitEvent.objects.get(permit=isolated_permit, action="handover_accepted")
    assert event.comment == (
        f"Nadia Lead took over from {creator.display_name}; isolation points confirmed in place: E-BRK-1, V-VLV-2."
    )


def test_who_may_hand_over_and_accept(api, isolated_permit, creator, verifier, night_lead, outsider, grade_a_admin):
    assert hand_over(api, verifier, isolated_permit, night_lead).status_code == 403  # only the holder
    assert hand_over(api, outsider, isolated_permit, night_lead).status_code == 404
    assert hand_over(api, creator, isolated_permit, creator).status_code == 400  # not to yourself
    assert hand_over(api, creator, isolated_permit, outsider).status_code == 400  # not outside the project
    handover_id = hand_over(api, creator, isolated_permit, night_lead).json()["id"]
    assert hand_over(api, creator, isolated_permit, verifier).status_code == 409  # one at a time

    in_place = isolated_permit.points[:2]
    assert accept(api, grade_a_admin, isolated_permit, handover_id, in_place).status_code == 403
    assert accept(api, creator, isolated_permit, handover_id, in_place).status_code == 403
    assert accept(api, night_lead, isolated_permit, 999_999, in_place).status_code == 404
    assert accept(api, night_lead, isolated_permit, handover_id, in_place).status_code == 200
    assert accept(api, night_lead, isolated_permit, handover_id, in_place).status_code == 403  # nothing pending now


@pytest.mark.parametrize("status", [S.APPROVED, S.SUSPENDED, S.COMPLETED])
def test_only_an_active_permit_is_handed_over(api, live_permit, creator, night_lead, status):
    permit = live_permit(status, end=at(17))
    assert hand_over(api, creator, permit, night_lead).status_code == 409


def test_the_incoming_member_declines_or_the_holder_withdraws(api, isolated_permit, creator, night_lead):
    first = hand_over(api, creator, isolated_permit, night_lead).json()["id"]
    declined = api(night_lead, at(14, 10), isolated_permit, f"handovers/{first}/decline/", {"comment": "Not briefed."})
    assert declined.status_code == 200 and declined.json()["status"] == "declined"
    second = hand_over(api, creator, isolated_permit, night_lead, when=at(14, 30)).json()["id"]
    withdrawn = api(creator, at(14, 40), isolated_permit, f"handovers/{second}/decline/", {})

    assert withdrawn.status_code == 200
    assert [h.status for h in PermitHandover.objects.order_by("id")] == [HandoverStatus.DECLINED] * 2
    assert told("ptw_handover_declined") == ["creator", "night_lead"]
    isolated_permit.refresh_from_db()
    assert isolated_permit.holder_user_id == creator.pk


def test_hour_by_hour_the_new_holder_receives_what_the_holder_receives_from_the_handover_on(
    api, isolated_permit, creator, night_lead
):
    handover_id = None
    for moment in [at(12) + timedelta(minutes=30 * i) for i in range(11)]:  # 12:00 … 17:00
        if moment == at(14):
            handover_id = hand_over(api, creator, isolated_permit, night_lead).json()["id"]
        if moment == at(15):
            assert accept(api, night_lead, isolated_permit, handover_id, isolated_permit.points[:2]).status_code == 200
        with time_machine.travel(moment, tick=False):
            check_expiring_permits(now=moment)

    assert told("ptw_expiring") == ["approver", "night_lead"]  # at 16:00, after the handover: not the creator
    # the new holder asks for more time; the outgoing one no longer may
    body = {"new_end": at(18).isoformat(), "reason": "Cable pull."}
    assert api(creator, at(16, 50), isolated_permit, "workflow/request-extension/", body).status_code == 403
    assert api(night_lead, at(16, 50), isolated_permit, "workflow/request-extension/", body).status_code == 201


def test_a_handover_pending_when_the_permit_is_completed_lapses(api, live_permit, creator, night_lead):
    permit = live_permit(S.ACTIVE, end=at(17))
    hand_over(api, creator, permit, night_lead)
    assert api(creator, at(15), permit, "workflow/complete/", {}).status_code == 200
    assert PermitHandover.objects.get().status == HandoverStatus.LAPSED
