"""The action endpoints, one per routed action of ptw/actions.py (DESIGN.md names kept).

Each view: find the permit among the user's projects (404 otherwise) and the part the action
acts on (an isolation point: 404 if not on this permit), parse the body with the action's
serializer, call its service (which checks status → 409 and person → 403), render the result.
"""

from collections.abc import Callable
from typing import Any

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from ptw.actions import (
    ACTIONS,
    APPROVE,
    ASSIGN_VERIFIER,
    EXTENSION,
    HANDOVER,
    INITIATE,
    ISOLATION_POINT,
    PERMIT,
    VERIFY,
    WORKFLOW_STEP,
    Action,
    Target,
)
from ptw.actions import available_actions as actions_available
from ptw.models import WorkflowStep
from ptw.policy import actor_for
from ptw.selectors import permit_get_for_user

from .serializers import PermitDetailSerializer, PermitIsolationPointSerializer, WorkflowStatusSerializer
from .serializers_errors import PERMIT_READ_ERRORS, PERMIT_WRITE_ERRORS
from .serializers_validity import PermitExtensionSerializer, PermitHandoverSerializer
from .views_base import parse, permit_response

# How each target is rendered back: the permit (with my actions now), or the part acted on.
RESPONSES: dict[Target, tuple[type[serializers.Serializer], Callable[[Request, int, Any], Response]]] = {
    PERMIT: (PermitDetailSerializer, lambda request, pk, result: permit_response(request, pk)),
    WORKFLOW_STEP: (PermitDetailSerializer, lambda request, pk, result: permit_response(request, pk)),
    ISOLATION_POINT: (
        PermitIsolationPointSerializer,
        lambda request, pk, result: Response(PermitIsolationPointSerializer(result).data),
    ),
    EXTENSION: (
        PermitExtensionSerializer,
        lambda request, pk, result: Response(PermitExtensionSerializer(result).data),
    ),
    HANDOVER: (
        PermitHandoverSerializer,
        lambda request, pk, result: Response(PermitHandoverSerializer(result).data),
    ),
}
TAGS = {ISOLATION_POINT: "isolation", EXTENSION: "validity", HANDOVER: "validity"}
# Actions on the permit that create a part answer with the part they created (201).
CREATES: dict[str, type[serializers.Serializer]] = {
    "request_extension": PermitExtensionSerializer,
    "request_handover": PermitHandoverSerializer,
}


def _describe(action: Action) -> str:
    """The service's docstring (what it does), then when and by whom, from the declaration."""
    statuses = ", ".join(status.label.lower() for status in action.statuses)
    what = (action.service.__doc__ or "").split("\n\n")[0] if action.service else ""
    return " ".join([*what.split(), f"Allowed while the permit is {statuses}; by {action.who.text}."])


def action_view(action: Action) -> Callable[..., Response]:
    """The POST endpoint of `action`: parse its serializer, call its service, render the result."""
    target = action.target
    body, render = RESPONSES[target]
    code = 200
    if action.name in CREATES:
        body, code = CREATES[action.name], 201
        render = lambda request, pk, result: Response(body(result).data, status=201)  # noqa: E731

    def view(request: Request, pk: int, **part: int) -> Response:
        permit = permit_get_for_user(request.user, pk)  # type: ignore[arg-type]
        arguments = parse(action.serializer, request.data)
        if target.find is not None and target.kwarg is not None:
            found = target.find(permit, *part.values())
            if found is None:
                raise Http404(target.missing)
            arguments[target.kwarg] = found
        assert action.service is not None  # every action has one: system check ptw.E001
        result = action.service(permit=permit, by=request.user, now=timezone.now(), **arguments)
        return render(request, pk, result)

    view.__name__ = view.__qualname__ = action.service.__name__ if action.service else action.name
    schema = extend_schema(
        tags=[TAGS.get(target, "workflow")],
        summary=action.button,
        description=_describe(action),
        request=action.serializer,
        responses={code: body, **PERMIT_WRITE_ERRORS},
    )
    return schema(api_view(["POST"])(view))


ACTION_VIEWS: dict[Action, Callable[..., Response]] = {
    action: action_view(action) for action in ACTIONS.values() if action.route is not None
}

# The specification's view names (DESIGN.md contract).
initiate_workflow = ACTION_VIEWS[INITIATE]
assign_verifier = ACTION_VIEWS[ASSIGN_VERIFIER]
verify_permit = ACTION_VIEWS[VERIFY]
approve_permit = ACTION_VIEWS[APPROVE]


@extend_schema(
    tags=["workflow"],
    summary="The permit's status, workflow steps and my available actions",
    responses={200: WorkflowStatusSerializer, **PERMIT_READ_ERRORS},
)
@api_view(["GET"])
def workflow_status(request: Request, pk: int) -> Response:
    permit = permit_get_for_user(request.user, pk)  # type: ignore[arg-type]
    steps = WorkflowStep.objects.filter(instance__permit=permit).select_related("assignee").order_by("order")
    body = {
        "status": permit.status,
        "steps": steps,
        "available_actions": actions_available(actor_for(request.user, permit), permit),  # type: ignore[arg-type]
    }
    return Response(WorkflowStatusSerializer(body).data)
