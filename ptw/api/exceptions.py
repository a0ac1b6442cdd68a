"""One place where domain errors become HTTP responses (400 / 403 / 404 / 409)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from ..errors import IllegalTransition, InvalidInput, PTWError


def exception_handler(exc, context):
    if isinstance(exc, InvalidInput):
        return Response(exc.errors, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, IllegalTransition):
        body = {"detail": exc.message, "current_status": exc.current, "allowed_next": exc.allowed}
        if exc.missing:
            body["missing"] = exc.missing
        return Response(body, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, PTWError):
        return Response({"detail": exc.message}, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        return Response({"detail": exc.messages}, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)
