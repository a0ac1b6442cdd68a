"""My profile (e-mail address, mobile number) and which notifications reach me by e-mail or SMS."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render

from accounts.requests import AuthenticatedHttpRequest
from delivery import preferences
from delivery.models import Channel, ContactDetails


class ContactForm(forms.Form):
    email = forms.EmailField(label="E-mail address", required=False)
    mobile_number = forms.CharField(
        label="Mobile number",
        required=False,
        max_length=32,
        help_text="International form with the country code, e.g. +919876543210. Leave empty for no SMS.",
    )


@login_required
def profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    details = ContactDetails.objects.filter(user=request.user).first()
    initial = {"email": request.user.email, "mobile_number": details.mobile_number if details else ""}
    form = ContactForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            preferences.set_contact_details(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                for problem in problems:
                    form.add_error(field, problem)
        else:
            messages.success(request, "Your contact details are saved.")
            return redirect("web:profile")
    return render(request, "web/profile.html", {"form": form})


@login_required
def preference_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A grid of type × channel; a safety-critical type left with neither is refused, with the reason."""
    refusals: dict[str, list[str]] = {}
    details = ContactDetails.objects.filter(user=request.user).first()
    if request.method == "POST":
        # Only the cells the user changed: the others keep following their route (a rule's method).
        choices = {
            row.notification_type: {
                channel: ticked
                for channel in Channel.values
                if (ticked := f"{row.notification_type}:{channel}" in request.POST) != row.channels[channel]
            }
            for row in preferences.preferences_of(request.user)
        }
        try:
            preferences.set_preferences(user=request.user, choices=choices)
            preferences.set_digest(user=request.user, hourly_digest="hourly_digest" in request.POST)
        except ValidationError as error:
            refusals = error.message_dict
        else:
            messages.success(request, "Your preferences are saved.")
            return redirect("web:preferences")
    rows = preferences.preferences_of(request.user)
    return render(
        request,
        "web/preferences.html",
        {
            "rows": [(row, refusals.get(row.notification_type, [])) for row in rows],
            "channels": Channel.choices,
            "has_mobile": bool(details and details.mobile_number),
            "hourly_digest": bool(details and details.hourly_digest),
            "refused": bool(refusals),
        },
    )
