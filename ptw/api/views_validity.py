"""A permit's extension requests and handovers, as lists (their actions' routes: views_workflow)."""

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from ptw.selectors import permit_get_for_user

from .serializers_errors import PERMIT_READ_ERRORS
from .serializers_validity import PermitExtensionSerializer, PermitHandoverSerializer


class PermitExtensionListView(APIView):
    @extend_schema(
        tags=["validity"],
        summary="The permit's extension requests, oldest first (the approved ones are its chain of ends)",
        responses={200: PermitExtensionSerializer(many=True), **PERMIT_READ_ERRORS},
    )
    def get(self, request, pk: int):
        permit = permit_get_for_user(request.user, pk)
        extensions = permit.extensions.select_related("requested_by", "decided_by").order_by("requested_at", "id")
        return Response(PermitExtensionSerializer(extensions, many=True).data)


class PermitHandoverListView(APIView):
    @extend_schema(
        tags=["validity"],
        summary="The permit's shift handovers, oldest first, with the isolation points confirmed at each",
        responses={200: PermitHandoverSerializer(many=True), **PERMIT_READ_ERRORS},
    )
    def get(self, request, pk: int):
        permit = permit_get_for_user(request.user, pk)
        handovers = (
            permit.handovers.select_related("requested_by", "to_user", "decided_by")
            .prefetch_related("confirmations")
            .order_by("requested_at", "id")
        )
        return Response(PermitHandoverSerializer(handovers, many=True).data)
