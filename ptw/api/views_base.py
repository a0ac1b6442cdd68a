"""Small helpers every PTW view uses: parse a body, render a permit."""

from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.requests import user_of
from ptw.selectors import permit_get_for_user

from .serializers import PermitDetailSerializer


def parse(serializer_class: type[serializers.Serializer], data) -> dict:
    """Validated input, or a 400 with messages per field (raised by DRF)."""
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def permit_response(request: Request, permit_id: int, *, code: int = status.HTTP_200_OK) -> Response:
    """The permit as it is now, with the requesting user's available actions."""
    permit = permit_get_for_user(user_of(request), permit_id)
    return Response(PermitDetailSerializer(permit, context={"request": request}).data, status=code)
