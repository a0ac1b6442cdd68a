"""The permit page: who may see it, the buttons each person gets at each status, steps, timeline."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from notifications.models import Notification
from ptw.actions import available_actions
from ptw.models import EscalationRecord, Permit, WorkflowStep
from ptw.policy import actor_for
from ptw.workflow import cancel_permit, complete_permit

from .conftest import login, offered_actions

pytestmark = pytest.mark.django_db


def page(client, user, permit):
    return login(client, user).get(f"/dashboard/ptw/view/{permit.pk}")


def test_the_link_notifications_carry_opens_the_page_with_or_without_a_slash(client, creator, draft):
    assert page(client, creator, draft).status_code == 200
    assert client.get(f"/dashboard/ptw/view/{draft.pk}/").status_code == 200


def test_another_projects_permit_is_not_found(client, creator, other_project_permit):
    assert page(client, creator, other_project_permit).status_code == 404


def test_an_unknown_permit_is_not_found(client, creator, project):
    assert login(client, creator).get("/dashboard/ptw/view/999999").status_code == 404


@pytest.mark.parametrize(
    ("stage", "person", "expected"),
    [
        ("draft", "creator", {"edit", "initiate", "cancel", "isolation"}),
        ("draft", "verifier", {"isolation"}),
        ("draft", "grade_a_admin", {"initiate", "cancel", "isolation"}),
        ("submitted", "creator", {"assign_verifier", "cancel", "isolation"}),
        ("submitted", "verifier", {"verify", "isolation"}),
        ("submitted", "approver", {"isolation"}),
        ("under_review", "verifier", {"assign_approver", "isolation"}),
        ("under_review", "approver", {"approve", "isolation"}),
        ("approved", "creator", {"activate", "cancel", "isolation"}),
        ("approved", "verifier", {"isolation"}),
        ("active", "approver", {"complete", "suspend", "isolation", "closeout"}),
        ("active", "verifier", {"suspend", "isolation"}),
        ("suspended", "approver", {"resume", "isolation", "closeout"}),
        ("suspended", "creator", {"cancel", "isolation", "closeout", "request_extension"}),
    ],
)
def test_each_person_gets_the_buttons_for_their_actions_now(request, client, stage, person, expected):
    permit = request.getfixturevalue(stage)
    user = request.getfixturevalue(person)
    assert offered_actions(page(client, user, permit)) == expected


@pytest.mark.parametrize("stage", ["draft", "submitted", "under_review", "approved", "active", "suspended"])
@pytest.mark.parametrize("person", ["creator", "verifier", "approver", "grade_a_admin", "grade_b_admin"])
def test_the_buttons_are_exactly_the_policys_available_actions(request, client, stage, person):
    permit = Permit.objects.get(pk=request.getfixturevalue(stage).pk)  # fresh: the policy caches steps
    user = request.getfixturevalue(person)
    available = available_actions(actor_for(user, permit), permit)
    expected = set(available)
    assert offered_actions(page(client, user, permit)) == expected


def test_a_completed_permit_offers_only_isolation_updates_and_a_cancelled_one_nothing(
    client, creator, active, approver, make_permit
):

    complete_permit(permit=active, by=approver, now=timezone.now())
    assert offered_actions(page(client, creator, active)) == {"isolation"}
    draft = make_permit(title="Called off")
    cancel_permit(permit=draft, by=creator, now=timezone.now())
    assert offered_actions(page(client, creator, draft)) == set()


def test_the_verify_form_offers_the_eligible_approvers_but_not_the_verifier(client, verifier, approver, submitted):
    choices = page(client, verifier, submitted).context["forms"]["verify"].fields["approver"].queryset
    assert list(choices) == [approver]


def test_a_pending_step_shows_its_assignee_and_how_long_it_waited(client, verifier, submitted):
    WorkflowStep.objects.filter(instance__permit=submitted).update(
        pending_since=timezone.now() - timedelta(hours=2, minutes=5)
    )
    html = page(client, verifier, submitted).content.decode()
    assert verifier.display_name in html
    assert "2 h 05 min" in html
    assert "Overdue" not in html


def test_a_step_past_its_time_limit_is_marked_overdue(client, verifier, submitted):
    WorkflowStep.objects.filter(instance__permit=submitted).update(pending_since=timezone.now() - timedelta(hours=5))
    response = page(client, verifier, submitted)
    assert [view.is_overdue for view in response.context["steps"]] == [True]
    assert "Overdue" in response.content.decode()


def test_the_timeline_merges_events_escalations_and_notifications_by_time(client, creator, verifier, submitted):
    step = WorkflowStep.objects.get(instance__permit=submitted)
    EscalationRecord.objects.create(
        permit=submitted,
        step=step,
        level=1,
        event_type="ptw_overdue",
        reached_at=timezone.now() + timedelta(hours=5),
        local_date=timezone.now().date(),
        pending_hours=5,
        recipient_ids=[verifier.pk],
    )
    timeline = page(client, creator, submitted).context["timeline"]
    kinds = [entry.kind for entry in timeline]
    assert {"event", "notification", "escalation", "delivery"} == set(kinds)
    assert [entry.at for entry in timeline] == sorted(entry.at for entry in timeline)
    assert kinds[-1] == "escalation" and timeline[-1].who == verifier.display_name
    notes = [entry for entry in timeline if entry.kind == "notification"]
    assert len(notes) == Notification.objects.filter(subject_id=submitted.pk).count()
    assert any(entry.who == f"to {verifier.display_name}" for entry in notes)
    [email] = [entry for entry in timeline if entry.kind == "delivery"]
    assert (email.title, email.who) == ("E-mail waiting", f"to {verifier.display_name} ({verifier.email})")


def test_times_are_shown_in_the_permits_project_time_zone(client, creator, draft, project):
    project.time_zone = "Asia/Kolkata"
    project.save()
    draft.planned_start_time = datetime(2030, 1, 1, 6, 0, tzinfo=UTC)
    draft.planned_end_time = datetime(2030, 1, 1, 8, 0, tzinfo=UTC)
    draft.save()
    html = page(client, creator, draft).content.decode()
    assert "01 Jan 2030 11:30 – 01 Jan 2030 13:30 IST" in html
    assert "Times in Asia/Kolkata." in html


def test_the_page_reads_a_bounded_number_of_queries(client, creator, active, django_assert_max_num_queries):
    login(client, creator)
    with django_assert_max_num_queries(40):
        client.get(f"/dashboard/ptw/view/{active.pk}")


def test_a_dangerous_action_is_a_warning_button_and_a_safe_one_the_primary(client, creator, draft):
    html = page(client, creator, draft).content.decode()
    assert 'class="button danger" name="action" value="cancel"' in html
    assert 'class="button primary" name="action" value="initiate"' in html
