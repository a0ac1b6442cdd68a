"""Dashboard pages show times in the time zone of the user's project."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from .selectors import primary_project


def project_timezone(get_response: Callable[[HttpRequest], HttpResponse]):
    """Set `request.ptw_project` (the header's project) and activate its time zone.

    A permit's page overrides the zone with the permit's own project's.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        request.ptw_project = None
        if request.path.startswith("/dashboard/") and request.user.is_authenticated:
            request.ptw_project = primary_project(request.user)
        if request.ptw_project is None:
            return get_response(request)
        with timezone.override(request.ptw_project.tzinfo):
            return get_response(request)

    return middleware
