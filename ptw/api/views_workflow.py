"""The workflow endpoints: one view per service in ptw/workflow.py (DESIGN.md names kept).

Each view: find the permit among the user's projects (404 otherwise), parse the body,
call the service (which checks status → 409 and person → 403), render the permit.
"""

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view
from rest_framework.response import Response

from ptw import workflow
from ptw.models import WorkflowStep
from ptw.policy import actor_for, available_actions
from ptw.selectors import permit_get_for_user

from .serializers import PermitDetailSerializer, WorkflowStatusSerializer
from .serializers_errors import PERMIT_READ_ERRORS, PERMIT_WRITE_ERRORS
from .serializers_input import (
    AssignApproverSerializer,
    AssignVerifierSerializer,
    CommentSerializer,
    DecisionSerializer,
    EmptySerializer,
    VerifySerializer,
)
from .views_base import parse, permit_response

TAGS = ["workflow"]


def _schema(summary: str, body):
    return extend_schema(
        tags=TAGS, summary=summary, request=body, responses={200: PermitDetailSerializer, **PERMIT_WRITE_ERRORS}
    )


def _act(request, pk: int, body, service):
    """Run `service(permit=…, by=…, **validated body)` on a permit the user can see; render it."""
    permit = permit_get_for_user(request.user, pk)
    service(permit=permit, by=request.user, **parse(body, request.data))
    return permit_response(request, pk)


@_schema("Submit a draft permit for verification", EmptySerializer)
@api_view(["POST"])
def initiate_workflow(request, pk: int):
    return _act(request, pk, EmptySerializer, workflow.initiate_workflow)


@_schema("Assign the verifier (the creator, or a Grade A admin)", AssignVerifierSerializer)
@api_view(["POST"])
def assign_verifier(request, pk: int):
    return _act(request, pk, AssignVerifierSerializer, workflow.assign_verifier)


@_schema("Verify: approve (optionally picking the approver) or reject with comments", VerifySerializer)
@api_view(["POST"])
def verify_permit(request, pk: int):
    return _act(request, pk, VerifySerializer, workflow.verify_permit)


@_schema("Assign the approver (the creator, the verifier, or a Grade A admin)", AssignApproverSerializer)
@api_view(["POST"])
def assign_approver(request, pk: int):
    return _act(request, pk, AssignApproverSerializer, workflow.assign_approver)


@_schema("Approve or reject (with comments) the permit", DecisionSerializer)
@api_view(["POST"])
def approve_permit(request, pk: int):
    return _act(request, pk, DecisionSerializer, workflow.approve_permit)


@_schema("Start the work (required isolation points must be verified)", EmptySerializer)
@api_view(["POST"])
def activate_permit(request, pk: int):
    return _act(request, pk, EmptySerializer, workflow.activate_permit)


@_schema("Finish the work (required closeout items must be done)", CommentSerializer)
@api_view(["POST"])
def complete_permit(request, pk: int):
    return _act(request, pk, CommentSerializer, workflow.complete_permit)


@_schema("Suspend active work (a comment saying why is required)", CommentSerializer)
@api_view(["POST"])
def suspend_permit(request, pk: int):
    return _act(request, pk, CommentSerializer, workflow.suspend_permit)


@_schema("Resume suspended work", CommentSerializer)
@api_view(["POST"])
def resume_permit(request, pk: int):
    return _act(request, pk, CommentSerializer, workflow.resume_permit)


@_schema("Cancel the permit", CommentSerializer)
@api_view(["POST"])
def cancel_permit(request, pk: int):
    return _act(request, pk, CommentSerializer, workflow.cancel_permit)


@_schema("Return a rejected permit to draft, to edit and submit again", CommentSerializer)
@api_view(["POST"])
def resubmit_permit(request, pk: int):
    return _act(request, pk, CommentSerializer, workflow.resubmit_permit)


@extend_schema(
    tags=TAGS,
    summary="The permit's status, workflow steps and my available actions",
    responses={200: WorkflowStatusSerializer, **PERMIT_READ_ERRORS},
)
@api_view(["GET"])
def workflow_status(request, pk: int):
    permit = permit_get_for_user(request.user, pk)
    steps = WorkflowStep.objects.filter(instance__permit=permit).select_related("assignee").order_by("order")
    body = {
        "status": permit.status,
        "steps": steps,
        "available_actions": available_actions(actor_for(request.user, permit), permit),
    }
    return Response(WorkflowStatusSerializer(body).data)
