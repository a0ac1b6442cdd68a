"""One log line per request outcome (the first middleware, so it sees the final status).

`GET /dashboard/ptw/ 200 12 ms user=5`: INFO below 400, WARNING for 4xx. A 5xx is left to
Django's `django.request` logger, whose line carries the traceback; settings raise that
logger to ERROR so a 4xx is not logged a second time (with a traceback for a 403) there.
Static files log at DEBUG: a page's scripts and styles are not outcomes anyone looks for.
"""

import logging
import time

from django.conf import settings

logger = logging.getLogger("backend.requests")


def log_request_outcome(get_response):
    def middleware(request):
        started = time.monotonic()
        response = get_response(request)
        status = response.status_code
        if status >= 500:
            return response  # django.request logs it, with the traceback
        user = getattr(request, "user", None)
        who = f" user={user.pk}" if user is not None and user.is_authenticated else ""
        level = logging.WARNING if status >= 400 else logging.INFO
        if request.path.startswith(settings.STATIC_URL):
            level = logging.DEBUG
        elapsed = (time.monotonic() - started) * 1000
        logger.log(level, "%s %s %d %.0f ms%s", request.method, request.get_full_path(), status, elapsed, who)
        return response

    return middleware
