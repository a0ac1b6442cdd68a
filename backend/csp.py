"""Content-Security-Policy adjustments that belong to a URL space rather than to one view."""

from collections.abc import Callable

from csp.constants import UNSAFE_INLINE
from django.http import HttpRequest, HttpResponse


def admin_inline_styles(get_response: Callable[[HttpRequest], HttpResponse]):
    """Let the Django admin's autocomplete widgets (select2) size themselves with inline styles.

    select2 writes `style="width: …"` into the markup it builds, which `style-src 'self'` refuses. An inline
    style cannot run code, the admin is for staff only, and scripts stay restricted to this site's files.
    Listed after CSPMiddleware, so the update is on the response before the policy is built.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        if request.path.startswith("/admin/"):
            response._csp_update = {"style-src": [UNSAFE_INLINE]}  # type: ignore[attr-defined]
        return response

    return middleware
