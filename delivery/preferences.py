"""Per-user choices: which notification types reach them by e-mail or SMS, their mobile number,
the hourly digest. Written only here (the page, the API and the admin call these)."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from . import routing
from .models import Channel, ChannelPreference, ContactDetails
from .phones import normalize_e164

if TYPE_CHECKING:
    from accounts.models import User

CRITICAL_REFUSAL = (
    "{label} is safety-critical: keep at least one of e-mail or SMS for it, so that it reaches you "
    "when you are away from the screen."
)


@dataclass(frozen=True)
class TypeChoice:
    """One row of the preferences: a type, its channels as the user has them, and why it is fixed."""

    notification_type: str
    label: str
    channels: dict[str, bool]
    critical: bool
    default_label: str


def preferences_of(user: "User") -> list[TypeChoice]:
    """Every known type with the user's choice per channel (or the route's default)."""
    saved: dict[tuple[str, str], bool] = {
        (t, c): enabled
        for t, c, enabled in ChannelPreference.objects.filter(user=user).values_list(
            "notification_type", "channel", "enabled"
        )
    }
    rows = []
    for notification_type, label in routing.known_types().items():
        route = routing.route_of(notification_type)
        default = route.default_channels
        rows.append(
            TypeChoice(
                notification_type,
                label,
                {channel: saved.get((notification_type, channel), channel in default) for channel in Channel.values},
                route.critical,
                route.default_label,
            )
        )
    return rows


def set_preferences(*, user: "User", choices: Mapping[str, Mapping[str, bool]]) -> list[TypeChoice]:
    """Save {type: {channel: enabled}}; return the user's preferences after it.

    Raises ValidationError ({type: [sentence]}) and saves nothing when a type is unknown, a
    channel unknown, or a safety-critical type would be left with no off-screen channel.
    """
    known = routing.known_types()
    current = {row.notification_type: row.channels for row in preferences_of(user)}
    errors: dict[str, list[str]] = {}
    for notification_type, channels in choices.items():
        if notification_type not in known:
            errors[notification_type] = ["Unknown notification type."]
            continue
        if unknown := set(channels) - set(Channel.values):
            errors[notification_type] = [f"Unknown channel: {', '.join(sorted(unknown))}."]
            continue
        after = {**current[notification_type], **channels}
        if routing.route_of(notification_type).critical and not any(after.values()):
            errors[notification_type] = [CRITICAL_REFUSAL.format(label=known[notification_type])]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        for notification_type, channels in choices.items():
            for channel, enabled in channels.items():
                ChannelPreference.objects.update_or_create(
                    user=user, notification_type=notification_type, channel=channel, defaults={"enabled": enabled}
                )
    return preferences_of(user)


def set_contact_details(
    *, user: "User", email: str, mobile_number: str, hourly_digest: bool | None = None
) -> ContactDetails:
    """Save the user's e-mail address and mobile number (normalised to E.164; "" removes it)."""
    errors: dict[str, list[str]] = {}
    email = email.strip()
    try:
        validate_email(email) if email else None
    except ValidationError as error:
        errors["email"] = error.messages
    try:
        mobile = normalize_e164(mobile_number) if mobile_number.strip() else ""
    except ValidationError as error:
        errors["mobile_number"] = error.messages
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        user.email = email
        user.save(update_fields=["email"])
        details, _ = ContactDetails.objects.get_or_create(user=user)
        details.mobile_number = mobile
        if hourly_digest is not None:
            details.hourly_digest = hourly_digest
        details.save()
    return details


def set_digest(*, user: "User", hourly_digest: bool) -> ContactDetails:
    """Take (or stop) the hourly digest of non-critical e-mails."""
    details, _ = ContactDetails.objects.update_or_create(user=user, defaults={"hourly_digest": hourly_digest})
    return details
