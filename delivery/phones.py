"""Mobile numbers: E.164 only, checked with Google's libphonenumber (the `phonenumbers` package)."""

import phonenumbers
from django.core.exceptions import ValidationError


def normalize_e164(value: str) -> str:
    """The number in E.164 (`+919876543210`); raises ValidationError for anything else."""
    try:
        number = phonenumbers.parse(value, None)  # no default region: a leading + is required
    except phonenumbers.NumberParseException:
        raise ValidationError(
            "Enter the mobile number in international form, starting with + and the country code "
            "(for example +919876543210)."
        ) from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError("This is not a valid phone number for its country.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def validate_e164(value: str) -> None:
    """Model validator: a valid international number (the model's clean() stores it as E.164)."""
    if value:
        normalize_e164(value)
