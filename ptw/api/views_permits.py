"""Permits: list, create, read, edit while draft, who may review them, and their timeline."""

from django.db.models import Q
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.requests import user_of
from ptw.actions import EDIT
from ptw.models import StepId
from ptw.permits import create_permit, update_permit
from ptw.selectors import permit_get_for_user, permits_visible_to, reviewer_candidates
from ptw.timeline import permit_timeline

from .serializers import PermitDetailSerializer, PermitSerializer, TimelineEntrySerializer, UserSummarySerializer
from .serializers_errors import FIELD_ERRORS, PERMIT_READ_ERRORS, PERMIT_WRITE_ERRORS, READ_ERRORS
from .serializers_input import PermitCreateSerializer, PermitFilterSerializer, PermitUpdateSerializer
from .views_base import parse, permit_response

TAGS = ["permits"]


class PermitListView(generics.ListAPIView):
    serializer_class = PermitSerializer

    def get_queryset(self):
        filters = parse(PermitFilterSerializer, self.request.query_params)
        user = user_of(self.request)
        permits = permits_visible_to(user)
        for name in ("status", "permit_type", "project"):
            if name in filters:
                permits = permits.filter(**{name: filters[name]})
        if filters["mine"]:
            permits = permits.filter(Q(created_by=user) | Q(verifier=user) | Q(approver=user))
        return permits.order_by("-created_at", "-id")

    @extend_schema(
        tags=TAGS,
        summary="Permits of my projects",
        parameters=[PermitFilterSerializer],
        responses={200: PermitSerializer(many=True), 400: FIELD_ERRORS, **READ_ERRORS},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=TAGS,
        summary="Create a draft permit",
        request=PermitCreateSerializer,
        responses={201: PermitDetailSerializer, 400: FIELD_ERRORS, **READ_ERRORS},
    )
    def post(self, request):
        permit = create_permit(by=request.user, now=timezone.now(), **parse(PermitCreateSerializer, request.data))
        return permit_response(request, permit.pk, code=status.HTTP_201_CREATED)


class PermitDetailView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="A permit, with the actions I may take on it",
        responses={200: PermitDetailSerializer, **PERMIT_READ_ERRORS},
    )
    def get(self, request, pk: int):
        return permit_response(request, pk)

    @extend_schema(
        tags=TAGS,
        summary="Edit a draft permit (its creator only)",
        request=PermitUpdateSerializer,
        responses={200: PermitDetailSerializer, **PERMIT_WRITE_ERRORS},
    )
    def patch(self, request, pk: int):
        permit = permit_get_for_user(request.user, pk)
        update_permit(permit=permit, by=request.user, now=timezone.now(), **parse(EDIT.serializer, request.data))
        return permit_response(request, pk)


class ReviewerCandidatesView(APIView):
    """Who may hold the step: EPC or client members (a client picks clients) playing no other part of the permit."""

    step = StepId.VERIFICATION

    def get(self, request, pk: int):
        permit = permit_get_for_user(request.user, pk)
        users = reviewer_candidates(permit, step=self.step, by=request.user)
        return Response(UserSummarySerializer(users, many=True).data)


@extend_schema(
    tags=TAGS,
    summary="Who may be this permit's verifier",
    responses={200: UserSummarySerializer(many=True), **PERMIT_READ_ERRORS},
)
class VerifierCandidatesView(ReviewerCandidatesView):
    step = StepId.VERIFICATION


@extend_schema(
    tags=TAGS,
    summary="Who I may pick as this permit's approver",
    responses={200: UserSummarySerializer(many=True), **PERMIT_READ_ERRORS},
)
class ApproverCandidatesView(ReviewerCandidatesView):
    step = StepId.APPROVAL


class PermitTimelineView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="Audit events, escalations and notifications of a permit, oldest first",
        responses={200: TimelineEntrySerializer(many=True), **PERMIT_READ_ERRORS},
    )
    def get(self, request, pk: int):
        permit = permit_get_for_user(request.user, pk)
        return Response(TimelineEntrySerializer(permit_timeline(permit), many=True).data)
