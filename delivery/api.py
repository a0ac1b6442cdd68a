"""API: my delivery preferences (type × channel) and my contact details."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.requests import user_of

from . import preferences
from .models import Channel, ContactDetails


class ChannelsSerializer(serializers.Serializer):
    email = serializers.BooleanField(required=False)
    sms = serializers.BooleanField(required=False)


class TypeChoiceSerializer(serializers.Serializer):
    notification_type = serializers.CharField()
    type_label = serializers.CharField(source="label", help_text="The type as people read it.")
    channels = ChannelsSerializer()
    critical = serializers.BooleanField(help_text="Safety-critical: at least one of e-mail or SMS stays on.")
    default_label = serializers.CharField(help_text="When the default depends on the notification, how.")


class PreferencesInputSerializer(serializers.Serializer):
    preferences = serializers.DictField(
        child=ChannelsSerializer(),
        help_text='{type: {"email": bool, "sms": bool}}; types and channels left out keep their setting.',
    )


class ContactSerializer(serializers.Serializer):
    email = serializers.EmailField(allow_blank=True)
    mobile_number = serializers.CharField(allow_blank=True, max_length=32, help_text="E.164, e.g. +919876543210.")
    hourly_digest = serializers.BooleanField(required=False, help_text="Gather non-critical e-mails into one an hour.")


def _validation_error(error: DjangoValidationError) -> serializers.ValidationError:
    return serializers.ValidationError(error.message_dict if hasattr(error, "error_dict") else error.messages)


@extend_schema(tags=["notifications"])
class PreferencesView(APIView):
    @extend_schema(summary="My delivery preferences", responses=TypeChoiceSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(TypeChoiceSerializer(preferences.preferences_of(user_of(request)), many=True).data)

    @extend_schema(
        summary="Change my delivery preferences",
        description="400 when a safety-critical type would reach me by neither e-mail nor SMS.",
        request=PreferencesInputSerializer,
        responses=TypeChoiceSerializer(many=True),
    )
    def put(self, request: Request) -> Response:
        data = PreferencesInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        choices = {
            t: {c: v for c, v in channels.items() if c in Channel.values}
            for t, channels in data.validated_data["preferences"].items()
        }
        try:
            rows = preferences.set_preferences(user=user_of(request), choices=choices)
        except DjangoValidationError as error:
            raise _validation_error(error) from error
        return Response(TypeChoiceSerializer(rows, many=True).data)


@extend_schema(tags=["notifications"])
class ContactView(APIView):
    @extend_schema(summary="My e-mail address and mobile number", responses=ContactSerializer)
    def get(self, request: Request) -> Response:
        user = user_of(request)
        details = ContactDetails.objects.filter(user=user).first()
        return Response(
            {
                "email": user.email,
                "mobile_number": details.mobile_number if details else "",
                "hourly_digest": bool(details and details.hourly_digest),
            }
        )

    @extend_schema(
        summary="Change my e-mail address and mobile number", request=ContactSerializer, responses=ContactSerializer
    )
    def put(self, request: Request) -> Response:
        data = ContactSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = user_of(request)
        try:
            details = preferences.set_contact_details(user=user, **data.validated_data)
        except DjangoValidationError as error:
            raise _validation_error(error) from error
        return Response(
            {"email": user.email, "mobile_number": details.mobile_number, "hourly_digest": details.hourly_digest}
        )
