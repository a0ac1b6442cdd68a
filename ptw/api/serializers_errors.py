"""Error bodies, as the exception handler writes them, and the error responses of each kind of endpoint."""

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    """401/403/404: a sentence saying what went wrong."""

    detail = serializers.CharField()


class ConflictSerializer(serializers.Serializer):
    """409: the permit's state does not allow the action; nothing changed."""

    detail = serializers.CharField()
    current_status = serializers.CharField()
    allowed_next = serializers.ListField(child=serializers.CharField())
    missing = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="What blocks the action: unverified isolation points or open closeout items.",
    )


FIELD_ERRORS = OpenApiResponse(
    response={
        "type": "object",
        "additionalProperties": {"type": "array", "items": {"type": "string"}},
        "example": {"planned_end_time": ["The planned end must be after the planned start."]},
    },
    description="Bad input: messages per field (`non_field_errors` for the body as a whole). Nothing was written.",
)
FORBIDDEN = OpenApiResponse(ErrorSerializer, description="Not logged in, or you may not take this action.")
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such permit in your projects.")
CONFLICT = OpenApiResponse(
    ConflictSerializer,
    description="The permit's current status (or a gate: isolation, closeout) does not allow this; nothing changed.",
)

READ_ERRORS = {403: FORBIDDEN}
PERMIT_READ_ERRORS = {403: FORBIDDEN, 404: NOT_FOUND}
PERMIT_WRITE_ERRORS = {400: FIELD_ERRORS, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT}
