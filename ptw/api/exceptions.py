"""One place where errors become API responses, in the two shapes the schema publishes.

400: `{field: [messages]}` (`non_field_errors` for the body as a whole, a JSON parse error
included); every other error: `{"detail": "sentence"}` (409 adds the status and what is allowed).
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from ..errors import IllegalTransition, InvalidInput, PTWError

NON_FIELD = "non_field_errors"


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
        if hasattr(exc, "error_dict"):
            return Response(exc.message_dict, status=status.HTTP_400_BAD_REQUEST)
        return Response({NON_FIELD: exc.messages}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, ParseError):
        return Response({NON_FIELD: [str(exc.detail)]}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, ValidationError) and not isinstance(exc.detail, dict):
        return Response({NON_FIELD: exc.detail}, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)
