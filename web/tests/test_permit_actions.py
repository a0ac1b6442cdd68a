"""Each action is a POST through its service; a refusal shows the service's sentence and changes nothing."""

import pytest

from notifications.models import Notification
from ptw.models import IsolationStatus, PermitCloseout, PermitEvent, PermitIsolationPoint, PermitType
from ptw.tests.factories import CloseoutTemplateFactory, IsolationPointFactory
from web.post_only import NOT_DONE
from web.tests.browser import PASSWORD

from .conftest import login

pytestmark = pytest.mark.django_db


def act(client, permit, action, data=None, **kwargs):
    return client.post(f"/dashboard/ptw/view/{permit.pk}/actions/{action}/", data or {}, **kwargs)


def shown_messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_the_creator_submits_a_draft(client, creator, draft):
    response = act(login(client, creator), draft, "initiate", follow=True)
    draft.refresh_from_db()
    assert draft.status == "submitted"
    assert shown_messages(response) == ["Permit submitted."]


def test_a_get_of_an_action_changes_nothing_and_returns_to_the_permit_with_a_message(client, creator, draft):
    response = login(client, creator).get(f"/dashboard/ptw/view/{draft.pk}/actions/initiate/", follow=True)

    assert response.redirect_chain == [(f"/dashboard/ptw/view/{draft.pk}", 302)]
    assert shown_messages(response) == [NOT_DONE]
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_an_action_after_the_session_ended_returns_to_the_permit_after_logging_in(client, creator, draft):
    action = f"/dashboard/ptw/view/{draft.pk}/actions/cancel/"
    to_login = client.post(action, {"reason": "not needed"})
    assert to_login.status_code == 302 and to_login.url == f"/accounts/login/?next={action}"

    response = client.post(to_login.url, {"username": creator.username, "password": PASSWORD}, follow=True)

    assert response.status_code == 200 and response.request["PATH_INFO"] == f"/dashboard/ptw/view/{draft.pk}"
    assert shown_messages(response) == [NOT_DONE]
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_other_methods_than_post_and_get_are_still_refused(client, creator, draft):
    assert login(client, creator).put(f"/dashboard/ptw/view/{draft.pk}/actions/initiate/").status_code == 405


def test_an_unknown_action_is_not_found(client, creator, draft):
    assert act(login(client, creator), draft, "explode").status_code == 404


def test_another_projects_permit_is_not_found(client, creator, other_project_permit):
    assert act(login(client, creator), other_project_permit, "cancel").status_code == 404


def test_a_refused_action_shows_the_services_sentence_and_changes_nothing(client, approver, submitted):
    events = PermitEvent.objects.count()
    response = act(login(client, approver), submitted, "verify", {"verify-decision": "approve"}, follow=True)
    assert shown_messages(response) == [f"You may not verify permit {submitted.permit_number}."]
    submitted.refresh_from_db()
    assert submitted.status == "submitted" and PermitEvent.objects.count() == events


def test_an_action_the_status_does_not_allow_names_the_status(client, creator, draft):
    response = act(login(client, creator), draft, "activate", follow=True)
    assert shown_messages(response) == [
        f"Cannot activate permit {draft.permit_number}: it is draft; "
        "it can next become submitted (awaiting verification) or cancelled."
    ]


def test_the_verifier_verifies_and_chooses_the_approver_who_is_notified(client, verifier, approver, submitted):
    response = act(
        login(client, verifier),
        submitted,
        "verify",
        {"verify-decision": "approve", "verify-approver": approver.pk, "verify-comments": "Checked"},
    )
    assert response.url == submitted.get_absolute_url()
    submitted.refresh_from_db()
    assert (submitted.status, submitted.approver) == ("under_review", approver)
    assert Notification.objects.filter(recipient=approver, notification_type="ptw_approval").exists()


def test_rejecting_without_a_reason_is_a_form_error_and_changes_nothing(client, verifier, submitted):
    response = act(login(client, verifier), submitted, "verify", {"verify-decision": "reject"})
    assert response.status_code == 400
    assert response.context["forms"]["verify"].errors["comments"] == ["Say why the permit is rejected."]
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def test_rejecting_with_a_reason_rejects(client, verifier, submitted):
    act(login(client, verifier), submitted, "verify", {"verify-decision": "reject", "verify-comments": "No gas test"})
    submitted.refresh_from_db()
    assert (submitted.status, submitted.rejection_reason) == ("rejected", "No gas test")


def test_an_ineligible_approver_is_refused_on_its_field(client, verifier, creator, submitted):
    response = act(
        login(client, verifier), submitted, "verify", {"verify-decision": "approve", "verify-approver": creator.pk}
    )
    assert response.status_code == 400
    assert "approver" in response.context["forms"]["verify"].errors
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def test_the_creator_reassigns_the_verifier(client, creator, grade_b_admin, submitted):
    act(login(client, creator), submitted, "assign_verifier", {"assign_verifier-verifier": grade_b_admin.pk})
    submitted.refresh_from_db()
    assert submitted.verifier == grade_b_admin


def test_assigning_the_approver_later(client, verifier, approver, submitted):
    act(login(client, verifier), submitted, "verify", {"verify-decision": "approve"})
    act(client, submitted, "assign_approver", {"assign_approver-approver": approver.pk})
    submitted.refresh_from_db()
    assert submitted.approver == approver


def test_the_approver_approves_then_the_creator_activates(client, approver, creator, under_review):
    act(login(client, approver), under_review, "approve", {"approve-decision": "approve"})
    act(login(client, creator), under_review, "activate")
    under_review.refresh_from_db()
    assert under_review.status == "active"


def test_suspending_needs_a_reason(client, approver, active):
    response = act(login(client, approver), active, "suspend", {"suspend-comment": ""})
    assert response.status_code == 400
    assert response.context["forms"]["suspend"].errors["comment"] == ["This field is required."]
    act(client, active, "suspend", {"suspend-comment": "Gas alarm"})
    active.refresh_from_db()
    assert active.status == "suspended"


def test_resume_complete_and_cancel(client, approver, creator, suspended, make_permit):
    act(login(client, approver), suspended, "resume")
    act(client, suspended, "complete", {"complete-comment": "Done"})
    suspended.refresh_from_db()
    assert suspended.status == "completed"
    other = make_permit(title="Called off")
    act(login(client, creator), other, "cancel", {"cancel-comment": "Not needed", "cancel-confirm": "on"})
    other.refresh_from_db()
    assert other.status == "cancelled"


def test_cancel_asks_for_a_reason_and_a_confirmation_and_changes_nothing_without_them(client, creator, draft):
    response = act(login(client, creator), draft, "cancel", {"cancel-comment": ""})

    assert response.status_code == 400
    assert response.context["forms"]["cancel"].errors == {
        "comment": ["Say why the permit is cancelled: the reason goes on its timeline."],
        "confirm": ["Tick the box to confirm: cancelling cannot be undone."],
    }
    draft.refresh_from_db()
    assert draft.status == "draft"
    page = client.get(draft.get_absolute_url()).content.decode()
    assert "Yes, cancel this permit. This cannot be undone." in page and "confirm(" not in page


def test_a_rejected_permit_returns_to_draft(client, verifier, creator, submitted):
    act(login(client, verifier), submitted, "verify", {"verify-decision": "reject", "verify-comments": "Redo"})
    act(login(client, creator), submitted, "resubmit")
    submitted.refresh_from_db()
    assert submitted.status == "draft"


def test_isolation_points_are_assigned_isolated_and_verified_by_another_person(
    client, creator, verifier, project, draft
):
    point = IsolationPointFactory.create(project=project, code="MCC-7")
    act(
        login(client, creator),
        draft,
        "isolation",
        {"isolation-point": point.pk, "isolation-required": "on"},
    )
    assignment = PermitIsolationPoint.objects.get(permit=draft)
    page = client.get(draft.get_absolute_url()).content.decode()
    assert "MCC-7" in page and ">Isolate</button>" in page

    act(
        client,
        draft,
        "isolate_point",
        {"isolate_point-assignment": assignment.pk, "isolate_point-lock_ids": "L1, L2"},
    )
    assignment.refresh_from_db()
    assert (assignment.status, assignment.lock_ids) == (IsolationStatus.ISOLATED, ["L1", "L2"])

    same_person = act(
        client,
        draft,
        "verify_isolation",
        {"verify_isolation-assignment": assignment.pk},
        follow=True,
    )
    assert shown_messages(same_person)[-1] == "The isolation must be verified by someone other than who isolated it."
    act(
        login(client, verifier),
        draft,
        "verify_isolation",
        {"verify_isolation-assignment": assignment.pk},
    )
    assignment.refresh_from_db()
    assert assignment.status == IsolationStatus.VERIFIED


def test_isolating_without_locks_is_a_form_error(client, creator, project, draft):
    point = IsolationPointFactory.create(project=project)
    act(login(client, creator), draft, "isolation", {"isolation-point": point.pk})
    assignment = PermitIsolationPoint.objects.get(permit=draft)
    response = act(
        client,
        draft,
        "isolate_point",
        {"isolate_point-assignment": assignment.pk},
    )
    assert response.status_code == 400
    assert "List the lock ids applied." in response.content.decode()


def test_the_closeout_checklist_is_ticked_and_completion_waits_for_it(client, approver, active, permit_type):
    CloseoutTemplateFactory.create(permit_type=permit_type)
    login(client, approver)
    page = client.get(active.get_absolute_url()).content.decode()
    assert "Work area clean" in page and "Photos taken (optional)" in page

    refused = act(client, active, "closeout", {"closeout-done_area_clean": "on"}, follow=True)
    assert shown_messages(refused) == ["Closeout checklist saved."]
    closeout = PermitCloseout.objects.get(permit=active)
    assert [item["done"] for item in closeout.items] == [True, False, False]

    act(
        client,
        active,
        "closeout",
        {
            "closeout-done_area_clean": "on",
            "closeout-done_tools_removed": "on",
            "closeout-remarks_tools_removed": "All out",
        },
    )
    closeout.refresh_from_db()
    assert closeout.is_complete and closeout.items[1]["remarks"] == "All out"


def test_completion_is_refused_while_required_closeout_items_are_open(client, approver, active, permit_type):
    CloseoutTemplateFactory.create(permit_type=permit_type)
    PermitType.objects.filter(pk=permit_type.pk).update(requires_closeout=True)
    response = act(login(client, approver), active, "complete", follow=True)
    assert shown_messages(response) == [
        f"Cannot complete permit {active.permit_number}: required closeout items are open: "
        "Work area clean, Tools removed."
    ]
    active.refresh_from_db()
    assert active.status == "active"
