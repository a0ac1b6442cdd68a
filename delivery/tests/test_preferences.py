"""Preferences (type × channel) on the page and in the API, the refusal to mute a safety-critical
type, contact details with E.164 numbers."""

from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError

from delivery import preferences
from delivery.models import Channel, ChannelPreference, ContactDetails, Delivery
from delivery.phones import normalize_e164
from ptw.tests.test_escalation import submit

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PREFERENCES_API = "/api/v1/notifications/preferences/"
CONTACT_API = "/api/v1/notifications/contact/"

pytestmark = pytest.mark.django_db


def channels_of(user, notification_type):
    return next(row.channels for row in preferences.preferences_of(user) if row.notification_type == notification_type)


def test_defaults_follow_the_routing_table(verifier):
    rows = {row.notification_type: row for row in preferences.preferences_of(verifier)}
    assert rows["ptw_verification"].channels == {"email": True, "sms": False}
    assert rows["ptw_created"].channels == {"email": False, "sms": False}
    assert rows["ptw_overdue"].critical and "rule" in rows["ptw_overdue"].default_label
    assert not rows["ptw_approved"].critical


def test_a_muted_type_sends_no_email_and_a_chosen_sms_goes_out(project, creator, verifier, permit_type):
    ContactDetails.objects.create(user=verifier, mobile_number="+14155550123")
    preferences.set_preferences(user=verifier, choices={"ptw_verification": {"email": False, "sms": True}})

    submit(project, creator, permit_type, at=NOW, verifier=verifier)

    assert list(Delivery.objects.values_list("channel", "address")) == [(Channel.SMS, "+14155550123")]


def test_a_safety_critical_type_cannot_lose_its_last_offscreen_channel(verifier):
    with pytest.raises(ValidationError) as refused:
        preferences.set_preferences(user=verifier, choices={"ptw_overdue": {"email": False}})

    assert "safety-critical" in refused.value.message_dict["ptw_overdue"][0]
    assert not ChannelPreference.objects.exists()
    preferences.set_preferences(user=verifier, choices={"ptw_overdue": {"email": False, "sms": True}})
    assert channels_of(verifier, "ptw_overdue") == {"email": False, "sms": True}


def test_the_api_lists_saves_and_refuses_with_400(api_client, verifier):
    api_client.force_authenticate(verifier)

    listed = api_client.get(PREFERENCES_API)
    saved = api_client.put(PREFERENCES_API, {"preferences": {"ptw_approval": {"sms": True}}}, format="json")
    refused = api_client.put(
        PREFERENCES_API, {"preferences": {"ptw_expired": {"email": False, "sms": False}}}, format="json"
    )

    assert listed.status_code == 200 and {"ptw_overdue", "ptw_verification"} <= {
        row["notification_type"] for row in listed.data
    }
    assert saved.status_code == 200 and channels_of(verifier, "ptw_approval") == {"email": True, "sms": True}
    assert refused.status_code == 400 and "safety-critical" in str(refused.data["ptw_expired"])
    assert channels_of(verifier, "ptw_expired") == {"email": True, "sms": False}


def test_the_api_refuses_an_unknown_type(api_client, verifier):
    api_client.force_authenticate(verifier)
    response = api_client.put(PREFERENCES_API, {"preferences": {"nope": {"email": True}}}, format="json")
    assert response.status_code == 400 and "nope" in response.data


def as_shown(user) -> dict[str, str]:
    """The preferences form as the page shows it: a ticked box per channel on."""
    return {
        f"{row.notification_type}:{channel}": "on"
        for row in preferences.preferences_of(user)
        for channel, on in row.channels.items()
        if on
    }


def test_the_page_says_why_it_refuses_and_saves_nothing(client, verifier):
    client.force_login(verifier)
    ticked = as_shown(verifier)
    ticked.pop("ptw_escalated:email")

    response = client.post("/dashboard/preferences/", ticked)

    assert response.status_code == 200
    assert "Task escalated is safety-critical" in response.content.decode()
    assert not ChannelPreference.objects.exists()


def test_the_page_saves_only_what_changed(client, verifier):
    client.force_login(verifier)
    ticked = as_shown(verifier)
    ticked["ptw_overdue:sms"] = "on"
    ticked["hourly_digest"] = "on"

    response = client.post("/dashboard/preferences/", ticked)

    assert response.status_code == 302
    assert list(ChannelPreference.objects.values_list("notification_type", "channel", "enabled")) == [
        ("ptw_overdue", "sms", True)
    ]
    assert ContactDetails.objects.get(user=verifier).hourly_digest
    assert "You have no mobile number" in client.get("/dashboard/preferences/").content.decode()


@pytest.mark.parametrize(
    ("typed", "stored"), [("+91 98765 43210", "+919876543210"), ("+44 7911 123456", "+447911123456")]
)
def test_mobile_numbers_are_stored_in_e164(typed, stored):
    assert normalize_e164(typed) == stored


@pytest.mark.parametrize("typed", ["98765 43210", "+1 555", "call me"])
def test_a_number_that_is_not_international_and_valid_is_refused(typed):
    with pytest.raises(ValidationError):
        normalize_e164(typed)


def test_the_profile_page_edits_email_and_mobile(client, verifier):
    client.force_login(verifier)

    bad = client.post("/dashboard/profile/", {"email": "v@example.com", "mobile_number": "12345"})
    good = client.post("/dashboard/profile/", {"email": "v@example.com", "mobile_number": "+91 98765 43210"})

    assert bad.status_code == 200 and "international form" in bad.content.decode()
    assert good.status_code == 302
    verifier.refresh_from_db()
    assert (verifier.email, verifier.contact_details.mobile_number) == ("v@example.com", "+919876543210")


def test_the_contact_api_validates_the_number(api_client, verifier):
    api_client.force_authenticate(verifier)

    bad = api_client.put(CONTACT_API, {"email": "v@example.com", "mobile_number": "555"}, format="json")
    good = api_client.put(CONTACT_API, {"email": "v@example.com", "mobile_number": "+14155550123"}, format="json")

    assert bad.status_code == 400 and "mobile_number" in bad.data
    assert good.status_code == 200 and api_client.get(CONTACT_API).data["mobile_number"] == "+14155550123"


def test_an_admin_types_a_number_with_spaces_and_it_is_stored_in_e164(verifier):
    details = ContactDetails(user=verifier, mobile_number="+91 98765 43210")
    details.full_clean()
    assert details.mobile_number == "+919876543210"
