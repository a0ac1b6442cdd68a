"""Log in (rate-limited, with the lockout page) and change one's password (rate-limited too)."""

import math
from collections.abc import Callable
from functools import wraps
from typing import cast

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.messages.views import SuccessMessageMixin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from rest_framework.request import Request
from rest_framework.views import APIView

from accounts.forms import PasswordChangeForm
from accounts.lockout import lockout_seconds_left
from accounts.throttles import LoginRateThrottle, PasswordChangeRateThrottle

TOO_MANY_REQUESTS = 429


def wait_text(seconds: float) -> str:
    """'40 seconds', '15 minutes': how long to wait, rounded up."""
    seconds = math.ceil(seconds)
    if seconds < 90:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    return f"{math.ceil(seconds / 60)} minutes"


def refused(request: HttpRequest, template: str, context: dict, *, seconds: float, message: str) -> HttpResponse:
    """`template` with `message` in place of the form's errors: 429, with Retry-After."""
    response = render(request, template, {**context, "refusal": message}, status=TOO_MANY_REQUESTS)
    response["Retry-After"] = str(math.ceil(seconds))
    return response


def refused_login(request: HttpRequest, *, seconds: float, message: str) -> HttpResponse:
    context = {"form": AuthenticationForm(request), "next": request.POST.get("next", "")}
    return refused(request, "web/login.html", context, seconds=seconds, message=message)


def login_rate_limited(view: Callable) -> Callable:
    """POSTs to `view` (a login page) count against LOGIN_RATE per address; over it, the page refuses."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        throttle = LoginRateThrottle()
        if request.method == "POST" and not throttle.allow_request(cast(Request, request), cast(APIView, None)):
            wait = throttle.wait() or 1
            message = f"Too many log-in attempts from your address. Wait {wait_text(wait)} and try again."
            return refused_login(request, seconds=wait, message=message)
        return view(request, *args, **kwargs)

    return wrapper


def locked_out(request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None) -> HttpResponse:
    """django-axes' lockout response (AXES_LOCKOUT_CALLABLE) for the login pages."""
    seconds = lockout_seconds_left(request, credentials)
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    message = (
        f"Too many failed log-ins for “{username}” from your address: logging in as this user from here is "
        f"blocked for {wait_text(seconds)}. If you have forgotten your password, ask a site administrator."
    )
    return refused_login(request, seconds=seconds, message=message)


@method_decorator(login_rate_limited, name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    redirect_authenticated_user = True


class PasswordChangeView(SuccessMessageMixin, auth_views.PasswordChangeView):
    """Old password, new one twice; saving revokes the user's API tokens and ends their other sessions."""

    form_class = PasswordChangeForm
    template_name = "web/password_change.html"
    success_url = reverse_lazy("web:permits")
    success_message = "Your password was changed. Your other sessions and API tokens were ended."

    def post(self, request, *args, **kwargs):
        throttle = PasswordChangeRateThrottle()  # the form checks the old password: no guessing through it
        if not throttle.allow_request(request, cast(APIView, self)):
            wait = throttle.wait() or 1
            message = f"Too many password changes. Wait {wait_text(wait)} and try again."
            context = self.get_context_data(form=self.form_class(user=request.user))
            return refused(request, self.template_name, context, seconds=wait, message=message)
        return super().post(request, *args, **kwargs)
