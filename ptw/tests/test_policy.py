"""Who may take each declared action, at which status, and what the refusals say (ptw/actions.py, ptw/policy.py)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import CompanyType, Grade, Membership
from ptw import actions, policy, workflow
from ptw.actions import ACTIONS, PERMIT, Action, allows, available_actions, performs, require
from ptw.checks import every_action_has_a_service
from ptw.errors import ActionNotAllowed, IllegalTransition
from ptw.models import Permit, PermitStatus, StepId, StepStatus, WorkflowStep
from ptw.policy import Actor, PolicyContext, actor_for, assignee_of
from ptw.tests.factories import member

S = PermitStatus
PEOPLE = ("creator", "verifier", "approver", "grade_a_admin", "grade_b_admin", "bystander", "outsider")


@pytest.fixture
def bystander(project):
    """A member of the permit's project (contractor, Grade C) with no part in the permit."""
    return member(project, username="bystander", company_type=CompanyType.CONTRACTOR, grade=Grade.C)


@pytest.fixture
def people(request, creator, verifier, approver, grade_a_admin, grade_b_admin, bystander, outsider):
    return {name: request.getfixturevalue(name) for name in PEOPLE}


def who_may(permit, people) -> dict[str, set[str]]:
    """{action name: the people who may take it now} for the actions on the permit itself."""
    return {
        name: {person for person, user in people.items() if name in available_actions(actor_for(user, permit), permit)}
        for name, action in ACTIONS.items()
        if action.target is PERMIT
    }


def only(**allowed: set[str]) -> dict[str, set[str]]:
    return {name: allowed.get(name, set()) for name, action in ACTIONS.items() if action.target is PERMIT}


EVERYONE_IN_THE_PROJECT = {"creator", "verifier", "approver", "grade_a_admin", "grade_b_admin", "bystander"}


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (
            S.DRAFT,
            only(
                edit={"creator"},
                initiate={"creator", "grade_a_admin"},
                cancel={"creator", "grade_a_admin", "grade_b_admin"},
                isolation=EVERYONE_IN_THE_PROJECT,
            ),
        ),
        (
            S.SUBMITTED,
            only(
                assign_verifier={"creator", "grade_a_admin"},
                verify={"verifier", "grade_a_admin"},
                cancel={"creator", "grade_a_admin", "grade_b_admin"},
                isolation=EVERYONE_IN_THE_PROJECT,
            ),
        ),
        (
            S.UNDER_REVIEW,
            only(
                assign_approver={"creator", "verifier", "grade_a_admin"},
                approve={"approver", "grade_a_admin"},
                cancel={"creator", "grade_a_admin", "grade_b_admin"},
                isolation=EVERYONE_IN_THE_PROJECT,
            ),
        ),
        (
            S.APPROVED,
            only(
                activate={"creator", "approver", "grade_a_admin"},
                cancel={"creator", "grade_a_admin", "grade_b_admin"},
                isolation=EVERYONE_IN_THE_PROJECT,
            ),
        ),
        (
            S.ACTIVE,
            only(
                complete={"creator", "approver", "grade_a_admin"},
                suspend={"creator", "verifier", "approver", "grade_a_admin", "grade_b_admin"},
                cancel={"creator", "grade_a_admin", "grade_b_admin"},
                isolation=EVERYONE_IN_THE_PROJECT,
                closeout={"creator", "approver", "grade_a_admin"},
            ),
        ),
        (
            S.SUSPENDED,
            only(
                resume={"approver", "grade_a_admin", "grade_b_admin"},
                cancel={"creator", "grade_a_admin", "grade_b_admin"},
                isolation=EVERYONE_IN_THE_PROJECT,
                closeout={"creator", "approver", "grade_a_admin"},
            ),
        ),
        (S.REJECTED, only(resubmit={"creator", "grade_a_admin"})),
        (S.COMPLETED, only(isolation=EVERYONE_IN_THE_PROJECT)),
        (S.CANCELLED, only()),
        (S.EXPIRED, only()),
    ],
)
def test_each_action_is_offered_to_exactly_the_people_its_rule_names(permit_in, people, status, expected):
    permit = permit_in(status)

    assert who_may(permit, people) == expected


def test_nobody_verifies_their_own_permit_not_even_a_grade_a_admin_assigned_to_it(draft, grade_a_admin):
    permit = draft(by=grade_a_admin)
    workflow.initiate_workflow(permit=permit, by=grade_a_admin, now=timezone.now())
    WorkflowStep.objects.filter(instance__permit=permit).update(assignee=grade_a_admin)

    assert "verify" not in available_actions(actor_for(grade_a_admin, permit), permit)


def test_a_member_who_left_the_project_may_do_nothing(permit_in, creator):
    permit = permit_in(S.DRAFT)
    Membership.objects.filter(user=creator).update(is_active=False)

    assert available_actions(actor_for(creator, permit), permit) == []
    with pytest.raises(ActionNotAllowed, match="You may not edit permit"):
        require(actor_for(creator, permit), permit, actions.EDIT)


def test_the_step_assignee_is_whoever_holds_the_pending_step_now(permit_in, verifier, approver):
    permit = permit_in(S.SUBMITTED)
    is_verifier = assignee_of(StepId.VERIFICATION)
    is_approver = assignee_of(StepId.APPROVAL)
    context = PolicyContext(permit)

    assert is_verifier(actor_for(verifier, permit), permit, context)
    assert not is_verifier(actor_for(approver, permit), permit, context)
    assert not is_approver(actor_for(verifier, permit), permit, context)  # no approval step yet

    WorkflowStep.objects.filter(instance__permit=permit).update(status=StepStatus.APPROVED)
    assert not is_verifier(actor_for(verifier, permit), permit, PolicyContext(permit))  # done: nobody's task


def test_the_policy_reads_the_pending_steps_once_for_all_actions(permit_in, verifier, django_assert_num_queries):
    permit = permit_in(S.SUBMITTED)
    actor = actor_for(verifier, permit)

    with django_assert_num_queries(1):
        assert "verify" in available_actions(actor, permit)


def test_a_wrong_status_is_a_409_naming_the_status_and_the_allowed_next_ones(permit_in, creator):
    permit = permit_in(S.DRAFT)

    with pytest.raises(IllegalTransition) as refused:
        require(actor_for(creator, permit), permit, actions.ACTIVATE)

    assert refused.value.message == (
        f"Cannot activate permit {permit.permit_number}: it is draft; "
        "it can next become submitted (awaiting verification) or cancelled."
    )
    assert (refused.value.status_code, refused.value.current, refused.value.allowed) == (
        409,
        "draft",
        ["submitted", "cancelled"],
    )


def test_a_final_status_says_nothing_comes_next(permit_in, creator):
    permit = permit_in(S.CANCELLED)

    with pytest.raises(IllegalTransition) as refused:
        require(actor_for(creator, permit), permit, actions.CANCEL)

    assert refused.value.message.endswith("it is cancelled; it can next become nothing (it is final).")
    assert refused.value.allowed == []


def test_a_wrong_person_is_a_403_with_the_actions_label(permit_in, approver):
    permit = permit_in(S.SUBMITTED)

    with pytest.raises(ActionNotAllowed) as refused:
        require(actor_for(approver, permit), permit, actions.ASSIGN_VERIFIER)

    assert refused.value.message == f"You may not assign a verifier permit {permit.permit_number}."
    assert refused.value.status_code == 403


def test_allows_checks_the_status_before_the_person(permit_in, creator, verifier):
    permit = permit_in(S.SUBMITTED)
    actor = actor_for(creator, permit)

    assert allows(actor, permit, actions.CANCEL)
    assert not allows(actor, permit, actions.EDIT)  # the creator, but not a draft any more
    assert allows(actor_for(verifier, permit), permit, actions.VERIFY)  # reads the pending steps itself


def test_the_policy_reads_the_pending_steps_once_however_many_rules_ask(
    permit_in, verifier, monkeypatch, django_assert_num_queries
):
    permit = permit_in(S.SUBMITTED)
    actor = actor_for(verifier, permit)
    twin = Action(
        "verify_twice",
        statuses=(S.SUBMITTED,),
        who=assignee_of(StepId.VERIFICATION),
        label="verify",
        button="Verify",
        confirmation="Verified.",
        form=actions.ActionForm,
        serializer=actions.inputs.EmptySerializer,
    )
    monkeypatch.setitem(ACTIONS, "verify_twice", twin)

    with django_assert_num_queries(1):
        allowed = available_actions(actor, permit)

    assert {"verify", "verify_twice"} <= set(allowed)


def test_grades_are_read_from_the_membership_in_the_permits_project(permit_in, grade_a_admin, grade_b_admin, creator):
    permit = permit_in(S.DRAFT)

    assert (actor_for(grade_a_admin, permit).is_grade_a, actor_for(grade_a_admin, permit).is_admin) == (True, True)
    assert (actor_for(grade_b_admin, permit).is_grade_a, actor_for(grade_b_admin, permit).is_admin) == (False, True)
    assert (actor_for(creator, permit).is_grade_a, actor_for(creator, permit).is_admin) == (False, False)
    assert Actor(creator, None).is_grade_a is False and Actor(creator, None).is_admin is False


def test_the_rules_read_as_sentences():
    assert actions.VERIFY.who.text == (
        "(the verification step's assignee or a Grade A admin) and not (the creator or the approver)"
    )
    assert actions.APPROVE.who.text == (
        "(the approval step's assignee or a Grade A admin) and not (the creator or the verifier)"
    )
    assert actions.SUSPEND.who.text == "a Grade A/B admin or the creator or the verifier or the approver"
    assert (policy.creator & policy.grade_a).text == "the creator and a Grade A admin"
    assert (~(policy.creator | policy.verifier)).text == "not (the creator or the verifier)"
    assert (policy.creator | policy.verifier | policy.approver).text == "the creator or the verifier or the approver"
    assert actions.ISOLATION.who.text == "any project member"


def test_combined_rules_decide_like_their_parts(permit_in, creator, verifier, grade_a_admin):
    permit = permit_in(S.SUBMITTED)
    context = PolicyContext(permit)

    def check(rule, user):
        return rule(actor_for(user, permit), permit, context)

    assert [check(policy.creator & policy.grade_a, user) for user in (creator, grade_a_admin)] == [False, False]
    either = policy.creator | policy.grade_a
    assert [check(either, user) for user in (creator, grade_a_admin, verifier)] == [True, True, False]
    assert [check(~policy.creator, user) for user in (creator, verifier)] == [False, True]
    # the context reaches every part, negated or not
    assert [check(~assignee_of(StepId.VERIFICATION), user) for user in (creator, verifier)] == [True, False]
    sees_the_context = policy.Rule(lambda actor, permit, context: context.permit is permit, "sees the context")
    assert check(sees_the_context, creator)


def test_the_api_describes_each_route_from_its_declaration(client_for, creator):
    schema = client_for(creator).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    activate = schema["paths"]["/api/v1/ptw/permits/{id}/workflow/activate/"]["post"]

    assert activate["summary"] == "Activate (start work)"
    assert activate["description"] == (
        "Start the work. Refused while required isolation points are not verified. "
        "Allowed while the permit is approved; by the creator or the approver or a Grade A admin."
    )


def test_every_action_has_its_service_and_the_check_names_one_that_has_not():
    assert every_action_has_a_service() == []
    orphan = Action(
        "orphan",
        statuses=(S.DRAFT,),
        who=policy.creator,
        label="orphan",
        button="Orphan",
        confirmation="Done.",
        form=actions.ActionForm,
        serializer=actions.inputs.EmptySerializer,
    )
    ACTIONS["orphan"] = orphan
    try:
        errors = every_action_has_a_service()
    finally:
        del ACTIONS["orphan"]
    assert [(error.id, error.msg) for error in errors] == [("ptw.E001", "Action 'orphan' has no service.")]


def test_an_action_is_performed_by_one_service_only():
    with pytest.raises(RuntimeError, match="Action cancel is already performed by cancel_permit"):
        performs(actions.CANCEL)(lambda **kwargs: None)


def test_a_service_checks_the_policy_on_the_permit_as_it_is_now(permit_in, creator, approver):
    permit = permit_in(S.APPROVED)
    stale = Permit.objects.get(pk=permit.pk)
    stale.status = S.DRAFT  # what a caller holding an old copy believes

    actions.ACTIVATE.service(permit=stale, by=approver, now=timezone.now() + timedelta(minutes=1))

    assert stale.status == S.ACTIVE  # re-read under lock: it was approved, so the approver could start it


@pytest.mark.postgres
def test_a_service_locks_the_permit_row_before_it_checks_the_policy(permit_in, creator):
    permit = permit_in(S.DRAFT)

    with CaptureQueriesContext(connection) as queries:
        actions.CANCEL.service(permit=permit, by=creator, comment="", now=timezone.now())

    first_read = next(query["sql"] for query in queries.captured_queries if 'FROM "ptw_permit"' in query["sql"])
    assert first_read.endswith("FOR UPDATE")
