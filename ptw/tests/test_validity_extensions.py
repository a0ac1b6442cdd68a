"""Extensions (issue 15, part 2) over the API and the policy, hour by hour under time-machine."""

from datetime import timedelta

import pytest
import time_machine

from notifications.models import Notification
from ptw.escalation import auto_expire_permits, check_expiring_permits
from ptw.extensions import decide_extension, request_extension
from ptw.models import ExtensionStatus, PermitEvent, PermitExtension, PermitStatus
from ptw.tests.conftest import at, permit_url

S = PermitStatus


@pytest.fixture
def api(client_for):
    """api(user, at, path, body) → the response of a POST by `user` at that moment."""

    def post(user, moment, permit, path, body):
        with time_machine.travel(moment, tick=False):
            return client_for(user).post(permit_url(permit, path), body, format="json")

    return post


def ask(api, user, permit, *, when=at(15), end=at(19), reason="Pump alignment took longer."):  # noqa: B008
    return api(user, when, permit, "workflow/request-extension/", {"new_end": end.isoformat(), "reason": reason})


def decide(api, user, permit, extension_id, *, when=at(15, 30), action="approve", comments=""):  # noqa: B008
    return api(user, when, permit, f"extensions/{extension_id}/decide/", {"action": action, "comments": comments})


def told(event_type):
    return sorted(
        Notification.objects.filter(notification_type=event_type).values_list("recipient__username", flat=True)
    )


def test_the_holder_asks_and_the_approver_is_told_the_permit_still_expires_at_its_end(api, live_permit, creator):
    permit = live_permit(S.ACTIVE, end=at(17))

    response = ask(api, creator, permit)

    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["requested_end"], body["previous_end"]) == (
        "pending",
        "2026-03-02T19:00:00Z",
        "2026-03-02T17:00:00Z",
    )
    assert told("ptw_extension_requested") == ["approver"]
    note = Notification.objects.get(notification_type="ptw_extension_requested")
    assert "Until it is approved the permit still expires at 02 Mar 2026 17:00 UTC." in note.message
    permit.refresh_from_db()
    assert permit.planned_end_time == at(17)


def test_hour_by_hour_an_approved_extension_moves_the_end_and_the_warnings_and_expiry_follow(
    api, live_permit, creator, approver
):
    permit = live_permit(S.ACTIVE, end=at(17))
    moments = [at(12) + timedelta(minutes=15 * i) for i in range(31)]  # 12:00 … 19:30
    statuses = {}
    for moment in moments:
        if moment == at(15):
            extension_id = ask(api, creator, permit).json()["id"]
        if moment == at(15, 30):
            assert decide(api, approver, permit, extension_id).status_code == 200
        with time_machine.travel(moment, tick=False):
            check_expiring_permits(now=moment)
            auto_expire_permits(now=moment)
        permit.refresh_from_db()
        statuses[moment] = permit.status

    assert statuses[at(17)] == S.ACTIVE and statuses[at(18, 45)] == S.ACTIVE and statuses[at(19)] == S.EXPIRED
    warnings = sorted(
        Notification.objects.filter(notification_type="ptw_expiring").values_list(
            "created_at", "data__minutes_before_end"
        )
    )
    assert sorted(set(warnings)) == [(at(18), 60), (at(18, 45), 15)]  # none for the old end
    assert told("ptw_extension_approved") == ["creator"]
    event = PermitEvent.objects.get(permit=permit, action="extension_approved")
    assert event.comment == "The end moved from 02 Mar 2026 17:00 UTC to 02 Mar 2026 19:00 UTC."


def test_the_chain_of_ends_grows_with_each_approval(api, live_permit, creator, approver, client_for):
    permit = live_permit(S.ACTIVE, end=at(17))
    for asked_at, new_end in ((at(15), at(18)), (at(17, 30), at(20))):
        extension_id = ask(api, creator, permit, when=asked_at, end=new_end).json()["id"]
        assert decide(api, approver, permit, extension_id, when=asked_at + timedelta(minutes=5)).status_code == 200

    listed = client_for(creator).get(permit_url(permit, "extensions/")).json()
    assert [(e["previous_end"], e["requested_end"], e["status"]) for e in listed] == [
        ("2026-03-02T17:00:00Z", "2026-03-02T18:00:00Z", "approved"),
        ("2026-03-02T18:00:00Z", "2026-03-02T20:00:00Z", "approved"),
    ]
    timeline = client_for(creator).get(permit_url(permit, "timeline/")).json()
    assert [entry["comment"] for entry in timeline if entry["action"] == "extension_approved"] == [
        "The end moved from 02 Mar 2026 17:00 UTC to 02 Mar 2026 18:00 UTC.",
        "The end moved from 02 Mar 2026 18:00 UTC to 02 Mar 2026 20:00 UTC.",
    ]


def test_a_request_still_pending_at_the_end_does_not_stop_expiry(api, live_permit, creator, approver):
    permit = live_permit(S.ACTIVE, end=at(17))
    extension_id = ask(api, creator, permit, when=at(16, 30)).json()["id"]

    auto_expire_permits(now=at(17))

    permit.refresh_from_db()
    assert permit.status == S.EXPIRED and permit.planned_end_time == at(17)
    assert PermitExtension.objects.get(pk=extension_id).status == ExtensionStatus.LAPSED
    expired = Notification.objects.get(notification_type="ptw_expired")
    assert expired.message.endswith("The extension asked for was still waiting for a decision: it lapsed.")
    late = decide(api, approver, permit, extension_id, when=at(17, 1))
    assert late.status_code == 409


def test_nobody_decides_after_the_end_even_before_the_sweep_has_run(api, live_permit, creator, approver):
    permit = live_permit(S.ACTIVE, end=at(17))
    extension_id = ask(api, creator, permit, when=at(16, 30)).json()["id"]

    response = decide(api, approver, permit, extension_id, when=at(17, 0, 30))

    assert response.status_code == 409 and "ended at 02 Mar 2026 17:00 UTC" in response.json()["detail"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"new_end": "2026-03-02T16:00:00Z", "reason": "x"}, "new_end"),  # earlier than the end
        ({"new_end": "2026-03-03T09:00:00Z", "reason": "x"}, "new_end"),  # past start + 24 h
        ({"new_end": "2026-03-02T19:00:00Z", "reason": ""}, "reason"),
        ({"reason": "more time"}, "new_end"),
    ],
)
def test_bad_requests_are_400_naming_the_field(api, live_permit, creator, body, field):
    permit = live_permit(S.ACTIVE, end=at(17))
    response = api(creator, at(15), permit, "workflow/request-extension/", body)
    assert response.status_code == 400 and field in response.json()
    assert not PermitExtension.objects.exists()


def test_who_may_ask_and_decide(api, live_permit, creator, verifier, approver, grade_a_admin, outsider):
    permit = live_permit(S.ACTIVE, end=at(17))
    assert ask(api, verifier, permit).status_code == 403  # only the holder asks
    assert ask(api, outsider, permit).status_code == 404  # another project's member does not see it
    extension_id = ask(api, creator, permit).json()["id"]
    assert ask(api, creator, permit).status_code == 409  # one waiting at a time

    assert decide(api, creator, permit, extension_id).status_code == 403  # never your own
    assert decide(api, verifier, permit, extension_id).status_code == 403
    assert decide(api, outsider, permit, extension_id).status_code == 404
    assert decide(api, approver, permit, 999_999).status_code == 404
    assert decide(api, grade_a_admin, permit, extension_id).status_code == 200  # a Grade A admin may
    assert decide(api, approver, permit, extension_id).status_code == 409  # already decided


@pytest.mark.parametrize("status", [S.APPROVED, S.COMPLETED, S.CANCELLED])
def test_only_active_or_suspended_permits_are_extended(api, live_permit, creator, status):
    permit = live_permit(status, end=at(17))
    assert ask(api, creator, permit).status_code == 409


def test_a_suspended_permit_may_be_extended(api, live_permit, creator, approver):
    permit = live_permit(S.SUSPENDED, end=at(17))
    extension_id = ask(api, creator, permit).json()["id"]
    assert decide(api, approver, permit, extension_id).status_code == 200


def test_a_rejection_needs_comments_and_tells_the_holder(api, live_permit, creator, approver):
    permit = live_permit(S.ACTIVE, end=at(17))
    extension_id = ask(api, creator, permit).json()["id"]

    assert decide(api, approver, permit, extension_id, action="reject").status_code == 400
    response = decide(api, approver, permit, extension_id, action="reject", comments="Night crew not briefed.")

    assert response.status_code == 200 and response.json()["status"] == "rejected"
    assert told("ptw_extension_rejected") == ["creator"]
    note = Notification.objects.get(notification_type="ptw_extension_rejected")
    assert "Night crew not briefed." in note.message and "still ends at 02 Mar 2026 17:00 UTC" in note.message


def test_a_type_limits_how_many_extensions_a_permit_may_have(api, live_permit, creator, approver, permit_type):
    permit_type.max_extensions = 1
    permit_type.save()
    permit = live_permit(S.ACTIVE, end=at(17))
    extension_id = ask(api, creator, permit, end=at(18)).json()["id"]
    decide(api, approver, permit, extension_id)

    response = ask(api, creator, permit, when=at(16), end=at(19))

    assert response.status_code == 409 and "the 1 extension(s) its type allows" in response.json()["detail"]


def test_the_services_take_now(live_permit, creator, approver):
    permit = live_permit(S.ACTIVE, end=at(17))
    extension = request_extension(permit=permit, by=creator, new_end=at(18), reason="Rain delay.", now=at(15))
    decide_extension(permit=permit, by=approver, extension=extension, approve=True, now=at(15, 5))
    permit.refresh_from_db()
    assert permit.planned_end_time == at(18) and permit.next_warning_at == at(17)
