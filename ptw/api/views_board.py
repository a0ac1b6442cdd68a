"""The board's figures for one project (`?project=`), read by the same selectors as the board page."""

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Project
from accounts.requests import user_of
from ptw.board.active import active_permits
from ptw.board.blocking import blocking
from ptw.board.counts import board_counts
from ptw.board.limits import step_limits
from ptw.board.scope import board_project, board_projects
from ptw.board.step_times import step_times
from ptw.board.trend import daily_trend
from ptw.board.window import board_window

from .serializers_board import (
    ActivePermitSerializer,
    BlockerSerializer,
    BoardCountsSerializer,
    BoardQuerySerializer,
    StepTimesSerializer,
    TrendDaySerializer,
    WindowSerializer,
)
from .serializers_errors import FIELD_ERRORS, NOT_FOUND, READ_ERRORS
from .views_base import parse

TAGS = ["board"]
ERRORS = {400: FIELD_ERRORS, **READ_ERRORS, 404: NOT_FOUND}


def _project(request) -> Project:
    """The `project` of the query string, one of the user's (400 if missing or malformed, 404 if not theirs)."""
    project_id = parse(BoardQuerySerializer, request.query_params)["project"]
    project = board_project(board_projects(user_of(request)), project_id)
    if project is None:  # `project` is required: board_project returned the user's one or raised 404
        raise Http404("No such project.")
    return project


def _listed(name: str, item: serializers.Serializer, **extra) -> serializers.Serializer:
    return inline_serializer(
        name=name,
        fields={
            "project": serializers.IntegerField(),
            "generated_at": serializers.DateTimeField(),
            **extra,
            "results": item,
        },
    )


class BoardCountsView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="Live counts of a project (each is a filter of the permit list)",
        parameters=[BoardQuerySerializer],
        responses={200: BoardCountsSerializer, **ERRORS},
    )
    def get(self, request):
        project, now = _project(request), timezone.now()
        counts = board_counts(project, now=now, limits=step_limits(project.pk))
        return Response(BoardCountsSerializer({"project": project, "now": now, "counts": counts}).data)


class BoardActivePermitsView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="Active permits, soonest end first (at most 50), with risk, location and isolation state",
        parameters=[BoardQuerySerializer],
        responses={200: _listed("BoardActivePermits", ActivePermitSerializer(many=True)), **ERRORS},
    )
    def get(self, request):
        project, now = _project(request), timezone.now()
        items = active_permits(project, now=now)
        return Response(_body(project, now, ActivePermitSerializer(items, many=True).data))


class BoardBlockingView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="Who is blocking: pending steps grouped by assignee, oldest first, with waiting time and limit",
        parameters=[BoardQuerySerializer],
        responses={200: _listed("BoardBlocking", BlockerSerializer(many=True)), **ERRORS},
    )
    def get(self, request):
        project, now = _project(request), timezone.now()
        blockers = blocking(project, now=now, limits=step_limits(project.pk))
        return Response(_body(project, now, BlockerSerializer(blockers, many=True).data))


class BoardStepTimesView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="Time to verify and to approve over the last 30 local days, per permit type and step",
        parameters=[BoardQuerySerializer],
        responses={
            200: _listed("BoardStepTimes", StepTimesSerializer(many=True), window=WindowSerializer()),
            **ERRORS,
        },
    )
    def get(self, request):
        project, now = _project(request), timezone.now()
        window = board_window(project, now=now)
        stats = step_times(project, window=window, limits=step_limits(project.pk))
        return Response(
            _body(project, now, StepTimesSerializer(stats, many=True).data, window=WindowSerializer(window).data)
        )


class BoardTrendView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="Overdue and escalated steps per local day over the last 30 days, oldest first",
        parameters=[BoardQuerySerializer],
        responses={200: _listed("BoardTrend", TrendDaySerializer(many=True), window=WindowSerializer()), **ERRORS},
    )
    def get(self, request):
        project, now = _project(request), timezone.now()
        window = board_window(project, now=now)
        days = daily_trend(project, window=window, limits=step_limits(project.pk))
        return Response(
            _body(project, now, TrendDaySerializer(days, many=True).data, window=WindowSerializer(window).data)
        )


def _body(project: Project, now, results, **extra) -> dict:
    return {
        "project": project.pk,
        "generated_at": serializers.DateTimeField().to_representation(now),
        **extra,
        "results": results,
    }
