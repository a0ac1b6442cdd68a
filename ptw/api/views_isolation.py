"""A permit's isolation points (lockout/tagout) and its closeout checklist (their step routes: views_workflow)."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from ptw.actions import CLOSEOUT, ISOLATION
from ptw.closeout import update_closeout
from ptw.isolation import assign_isolation_point
from ptw.selectors import closeout_for, permit_get_for_user

from .serializers import CloseoutSerializer, PermitIsolationPointSerializer
from .serializers_errors import PERMIT_READ_ERRORS, PERMIT_WRITE_ERRORS
from .serializers_input import CloseoutUpdateSerializer, IsolationAssignSerializer
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
        data = parse(ISOLATION.serializer, request.data)
        assignment = assign_isolation_point(
            permit=permit, by=request.user, point=data["point_id"], required=data["required"], now=timezone.now()
        )
        return Response(PermitIsolationPointSerializer(assignment).data, status=status.HTTP_201_CREATED)


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
        data = parse(CLOSEOUT.serializer, request.data)
        closeout = update_closeout(permit=permit, by=request.user, now=timezone.now(), **data)
        return Response(CloseoutSerializer(closeout).data)
