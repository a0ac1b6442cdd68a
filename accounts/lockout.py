"""How long a locked-out login (django-axes) stays refused."""

import math

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone


def lockout_seconds_left(request: HttpRequest, credentials: dict | None) -> int:
    """Seconds until the lockout of these credentials from this client ends (at least 1).

    A lockout lasts the cool-off from the last recorded failure; failures during a lockout are not
    recorded (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False), so the answer does not move.
    """
    AxesProxyHandler.update_request(request)  # the client attributes axes reads (a no-op once set)
    cool_off = get_cool_off(request)
    attempts = AxesProxyHandler.get_implementation().get_user_attempts(request, credentials)
    last_failures = [query.aggregate(last=Max("attempt_time"))["last"] for query in attempts]
    last = max((moment for moment in last_failures if moment is not None), default=timezone.now())
    return max(1, math.ceil((last + cool_off - timezone.now()).total_seconds()))
