"""Dashboard pages show times in the time zone of the user's project."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from accounts.models import User

from .selectors import primary_project


def project_timezone(get_response: Callable[[HttpRequest], HttpResponse]):
    """Set `request.ptw_project` (the header's project) and activate its time zone.

    A permit's page overrides the zone with the permit's own project's.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        project = None
        if request.path.startswith("/dashboard/") and isinstance(request.user, User):
            project = primary_project(request.user)
        request.ptw_project = project  # type: ignore[attr-defined]  # this app's own attribute
        if project is None:
            return get_response(request)
        with timezone.override(project.tzinfo):
            return get_response(request)

    return middleware
