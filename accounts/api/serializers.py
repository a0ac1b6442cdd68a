"""Bodies of the authentication endpoints."""

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from knox.models import AuthToken
from rest_framework import serializers

from backend.serializers import StrictSerializer

# Bounded, so that nobody makes the server hash megabytes.
PASSWORD_MAX_LENGTH = 4096


def password_field(**kwargs) -> serializers.CharField:
    return serializers.CharField(
        max_length=PASSWORD_MAX_LENGTH,
        trim_whitespace=False,
        write_only=True,
        style={"input_type": "password"},
        **kwargs,
    )


class LoginSerializer(StrictSerializer):
    username = serializers.CharField(max_length=150)
    password = password_field()


class IssuedTokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send it as `Authorization: Token <token>`. Shown only this once.")
    expiry = serializers.DateTimeField(help_text="When the token stops working (log in again for a new one).")


class TokenSerializer(serializers.ModelSerializer):
    key = serializers.CharField(source="token_key", help_text="The token's first characters: revoke it by this.")
    current = serializers.SerializerMethodField(help_text="Whether this request was made with this token.")

    class Meta:
        model = AuthToken
        fields = ["key", "created", "expiry", "current"]

    def get_current(self, token: AuthToken) -> bool:
        used = self.context["request"].auth
        return isinstance(used, AuthToken) and used.digest == token.digest


class PasswordChangeSerializer(StrictSerializer):
    old_password = password_field()
    new_password = password_field(help_text="Checked by the password rules (length, not common, not all digits…).")

    def validate_old_password(self, value: str) -> str:
        if not self.context["user"].check_password(value):
            raise serializers.ValidationError("Your old password was entered incorrectly. Please enter it again.")
        return value

    def validate(self, attrs: dict) -> dict:
        if attrs["new_password"] == attrs["old_password"]:
            raise serializers.ValidationError({"new_password": ["The new password must differ from the old one."]})
        try:
            password_validation.validate_password(attrs["new_password"], self.context["user"])
        except DjangoValidationError as error:
            raise serializers.ValidationError({"new_password": error.messages}) from None
        return attrs


class PasswordChangedSerializer(serializers.Serializer):
    detail = serializers.CharField()
    revoked_tokens = serializers.IntegerField(help_text="API tokens revoked (this request's too).")
