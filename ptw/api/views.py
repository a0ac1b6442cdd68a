"""The lists a user needs before touching a permit: types, projects, tasks, isolation points."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics

from accounts.models import Membership
from accounts.requests import user_of
from accounts.selectors import projects_of
from ptw.models import IsolationPoint, PermitType
from ptw.selectors import my_pending_steps

from .serializers import (
    IsolationPointSerializer,
    MyProjectSerializer,
    MyTaskSerializer,
    PermitTypeSerializer,
)
from .serializers_errors import FIELD_ERRORS, READ_ERRORS
from .serializers_input import ProjectFilterSerializer
from .views_base import parse


@extend_schema(tags=["ptw"], responses={200: PermitTypeSerializer(many=True), **READ_ERRORS})
class PermitTypeListView(generics.ListAPIView):
    """Active permit types."""

    serializer_class = PermitTypeSerializer
    queryset = PermitType.objects.filter(is_active=True).order_by("name")


@extend_schema(tags=["ptw"], responses={200: MyProjectSerializer(many=True), **READ_ERRORS})
class MyProjectListView(generics.ListAPIView):
    """Projects I am an active member of, with my company type, grade and roles there."""

    serializer_class = MyProjectSerializer

    def get_queryset(self):
        return (
            Membership.objects.filter(user=user_of(self.request), is_active=True)
            .select_related("project")
            .prefetch_related("roles")
            .order_by("project__name", "project_id")
        )


@extend_schema(tags=["ptw"], responses={200: MyTaskSerializer(many=True), **READ_ERRORS})
class MyTaskListView(generics.ListAPIView):
    """Workflow steps waiting for me (verification, approval), oldest first, with their permit."""

    serializer_class = MyTaskSerializer

    def get_queryset(self):
        return my_pending_steps(user_of(self.request)).select_related("assignee")


@extend_schema(
    tags=["ptw"],
    parameters=[ProjectFilterSerializer],
    responses={200: IsolationPointSerializer(many=True), 400: FIELD_ERRORS, **READ_ERRORS},
)
class IsolationPointListView(generics.ListAPIView):
    """The isolation point library of my projects (`?project=` for one of them)."""

    serializer_class = IsolationPointSerializer

    def get_queryset(self):
        filters = parse(ProjectFilterSerializer, self.request.query_params)
        points = IsolationPoint.objects.filter(project__in=projects_of(user_of(self.request)), is_active=True)
        if "project" in filters:
            points = points.filter(project_id=filters["project"])
        return points.order_by("project_id", "code")
