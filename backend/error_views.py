"""Django's error views (handler400/403/404/500): JSON under /api/, the site's pages elsewhere.

A URL under /api/ that matches no route (`/api/v1/ptw/permits/abc/`) never reaches DRF, so
its exception handler cannot answer; these handlers give such requests the same
`{"detail": "…"}` body the API's own errors have.
"""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults

API_PREFIX = "/api/"


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"non_field_errors": ["The request could not be read."]}, status=400)
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": "You do not have permission to perform this action."}, status=403)
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": "Server error. It was recorded; nothing you sent was half-saved."}, status=500)
    return defaults.server_error(request)
