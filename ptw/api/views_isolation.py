"""A permit's isolation points (lockout/tagout) and its closeout checklist."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from ptw.closeout import closeout_for, update_closeout
from ptw.isolation import assign_isolation_point, update_isolation_point
from ptw.selectors import permit_get_for_user

from .serializers import CloseoutSerializer, PermitIsolationPointSerializer
from .serializers_errors import PERMIT_READ_ERRORS, PERMIT_WRITE_ERRORS
from .serializers_input import CloseoutUpdateSerializer, IsolationAssignSerializer, IsolationUpdateSerializer
from .views_base import parse

ASSIGNMENT_RELATED = ("point", "isolated_by", "verified_by", "deisolated_by")


class PermitIsolationView(APIView):
    @extend_schema(
        tags=["isolation"],
        summary="Isolation points assigned to the permit",
        responses={200: PermitIsolationPointSerializer(many=True), **PERMIT_READ_ERRORS},
    )
    def get(self, request, pk: int):
        permit = permit_get_for_user(request.user, pk)
        assignments = permit.isolation_points.select_related(*ASSIGNMENT_RELATED).order_by("point__code")
        return Response(PermitIsolationPointSerializer(assignments, many=True).data)

    @extend_schema(
        tags=["isolation"],
        summary="Assign a point of the project's library to the permit",
        request=IsolationAssignSerializer,
        responses={201: PermitIsolationPointSerializer, **PERMIT_WRITE_ERRORS},
    )
    def post(self, request, pk: int):
        permit = permit_get_for_user(request.user, pk)
        data = parse(IsolationAssignSerializer, request.data)
        assignment = assign_isolation_point(
            permit=permit, by=request.user, point=data["point_id"], required=data["required"]
        )
        return Response(PermitIsolationPointSerializer(assignment).data, status=status.HTTP_201_CREATED)


class IsolationActionView(APIView):
    """Move an assigned point one stage on: isolate (with lock ids) → verify (someone else) → deisolate."""

    action = ""

    def post(self, request, pk: int, assignment_id: int):
        permit = permit_get_for_user(request.user, pk)
        assignment = permit.isolation_points.filter(pk=assignment_id).first()
        if assignment is None:
            raise Http404("No such isolation point on this permit.")
        data = parse(IsolationUpdateSerializer, request.data)
        assignment = update_isolation_point(assignment=assignment, by=request.user, action=self.action, **data)
        return Response(PermitIsolationPointSerializer(assignment).data)


def _isolation_action_view(action: str, summary: str) -> type[IsolationActionView]:
    schema = extend_schema(
        tags=["isolation"],
        summary=summary,
        request=IsolationUpdateSerializer,
        responses={200: PermitIsolationPointSerializer, **PERMIT_WRITE_ERRORS},
    )
    view = type(f"Isolation{action.title()}View", (IsolationActionView,), {"action": action})
    return schema(view)


IsolateView = _isolation_action_view("isolate", "Record the isolation (lock ids required)")
VerifyIsolationView = _isolation_action_view("verify", "Verify an isolation (not by who isolated it)")
DeisolateView = _isolation_action_view("deisolate", "Remove the isolation")


class PermitCloseoutView(APIView):
    @extend_schema(
        tags=["closeout"],
        summary="The permit's closeout checklist",
        responses={200: CloseoutSerializer, **PERMIT_READ_ERRORS},
    )
    def get(self, request, pk: int):
        permit = permit_get_for_user(request.user, pk)
        return Response(CloseoutSerializer(closeout_for(permit)).data)

    @extend_schema(
        tags=["closeout"],
        summary="Tick checklist items and add remarks",
        request=CloseoutUpdateSerializer,
        responses={200: CloseoutSerializer, **PERMIT_WRITE_ERRORS},
    )
    def patch(self, request, pk: int):
        permit = permit_get_for_user(request.user, pk)
        closeout = update_closeout(permit=permit, by=request.user, **parse(CloseoutUpdateSerializer, request.data))
        return Response(CloseoutSerializer(closeout).data)
