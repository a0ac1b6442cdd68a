"""A permit's extension requests, as a list (their actions' routes: views_workflow)."""

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from ptw.selectors import permit_get_for_user

from .serializers_errors import PERMIT_READ_ERRORS
from .serializers_validity import PermitExtensionSerializer


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
