"""A permit's timeline: its audit events, its escalations and the notifications it caused, in time order."""

from datetime import timedelta

from ptw.models import EscalationRecord, PermitStatus
from ptw.tests.conftest import permit_url

S = PermitStatus


def test_the_timeline_merges_audit_events_and_escalations_by_time(
    client_for, permit_in, creator, verifier, grade_a_admin
):
    permit = permit_in(S.SUBMITTED)
    step = permit.workflow.steps.get(step_id="verification")
    submitted_at = permit.events.get(action="submitted").created_at
    EscalationRecord.objects.create(
        permit=permit,
        step=step,
        level=2,
        event_type="ptw_escalated",
        reached_at=submitted_at + timedelta(hours=8),
        local_date=(submitted_at + timedelta(hours=8)).date(),
        pending_hours=8,
        recipient_ids=[grade_a_admin.pk],
    )
    client_for(verifier).post(
        permit_url(permit, "workflow/verify/"), {"action": "reject", "comments": "No plan"}, format="json"
    )
    permit.events.filter(action="rejected_at_verification").update(created_at=submitted_at + timedelta(hours=9))

    response = client_for(creator).get(permit_url(permit, "timeline/"))

    assert response.status_code == 200
    assert [entry["time"] for entry in response.data] == sorted(entry["time"] for entry in response.data)
    notes = [entry for entry in response.data if entry["kind"] == "notification"]
    assert ("ptw_verification", [verifier.pk]) in [(n["action"], n["recipient_ids"]) for n in notes]
    deliveries = [entry for entry in response.data if entry["kind"] == "delivery"]
    assert [(d["title"], d["action"], d["recipient_ids"]) for d in deliveries] == [
        ("E-mail waiting", "ptw_verification", [verifier.pk]),
        ("E-mail waiting", "ptw_rejected", [creator.pk]),
    ]
    events_and_escalations = [entry for entry in response.data if entry["kind"] in ("event", "escalation")]
    assert [(entry["kind"], entry["action"], entry["actor"]) for entry in events_and_escalations] == [
        ("event", "created", creator.display_name),
        ("event", "submitted", creator.display_name),
        ("event", "verifier_assigned", creator.display_name),
        ("escalation", "ptw_escalated", "system"),
        ("event", "rejected_at_verification", verifier.display_name),
    ]
    escalation, rejection = events_and_escalations[3], events_and_escalations[4]
    assert escalation["level"] == 2 and escalation["recipient_ids"] == [grade_a_admin.pk]
    assert (rejection["from_status"], rejection["to_status"], rejection["comment"]) == (
        "submitted",
        "rejected",
        "No plan",
    )


def test_a_system_transition_shows_system_as_the_actor(client_for, permit_in, creator):
    permit = permit_in(S.EXPIRED)

    entries = client_for(creator).get(permit_url(permit, "timeline/")).data

    last_event = [entry for entry in entries if entry["kind"] == "event"][-1]
    assert (last_event["action"], last_event["actor"], last_event["to_status"]) == ("expired", "system", "expired")
