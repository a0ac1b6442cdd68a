"""The inbox API: my notifications only. Someone else's notification is 404 on every endpoint."""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.requests import user_of
from backend.pagination import CursorPagination

from .. import selectors, services
from ..models import Notification
from .serializers import (
    InboxFilterSerializer,
    MarkedSerializer,
    NotificationSerializer,
    UnreadCountSerializer,
)

# Query-string names for generic subjects: `?permit=42` means subject ("ptw.permit", 42).
SUBJECT_FILTERS = {"permit": "ptw.permit"}
NOTIFICATION_ID = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="One of my notifications."
)


class InboxPagination(CursorPagination):
    """Newest first; a cursor (not an offset) so pages stay stable while notifications arrive."""

    ordering = ("-created_at", "-id")
    page_size = 20
    max_page_size = 100


@extend_schema_view(
    list=extend_schema(summary="My notifications, newest first", parameters=[InboxFilterSerializer]),
    destroy=extend_schema(
        summary="Delete one of my notifications", parameters=[NOTIFICATION_ID], responses={204: None}
    ),
)
@extend_schema(tags=["notifications"])
class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = NotificationSerializer
    pagination_class = InboxPagination
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Notification.objects.none()
        filters = InboxFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        params = filters.validated_data
        subject = next(((kind, params[name]) for name, kind in SUBJECT_FILTERS.items() if name in params), None)
        return selectors.notifications_for(
            user_of(self.request), unread=params["unread"], notification_type=params.get("type"), subject=subject
        )

    def _mine(self, pk: str):
        return selectors.notification_get_for_user(user_of(self.request), int(pk))

    def destroy(self, request: Request, pk: str) -> Response:
        services.delete(notification=self._mine(pk))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Mark one of my notifications read",
        request=None,
        parameters=[NOTIFICATION_ID],
        responses=NotificationSerializer,
    )
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str) -> Response:
        notification = services.mark_read(notification=self._mine(pk), now=timezone.now())
        return Response(NotificationSerializer(notification).data)

    @extend_schema(
        summary="Mark one of my notifications unread",
        request=None,
        parameters=[NOTIFICATION_ID],
        responses=NotificationSerializer,
    )
    @action(detail=True, methods=["post"])
    def unread(self, request: Request, pk: str) -> Response:
        notification = services.mark_unread(notification=self._mine(pk))
        return Response(NotificationSerializer(notification).data)

    @extend_schema(summary="Mark all my notifications read", request=None, responses=MarkedSerializer)
    @action(detail=False, methods=["post"], url_path="mark-all-read")
    def mark_all_read(self, request: Request) -> Response:
        return Response({"marked": services.mark_all_read(user=user_of(request), now=timezone.now())})

    @extend_schema(summary="How many of my notifications are unread", responses=UnreadCountSerializer)
    @action(detail=False, methods=["get"], url_path="unread-count", pagination_class=None)
    def unread_count(self, request: Request) -> Response:
        return Response({"unread": selectors.unread_count(user_of(request))})
