from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from delivery.api import ContactView, PreferencesView
from ptw.api.health import HealthView
from web.views.account import login_rate_limited

urlpatterns = [
    path("admin/login/", login_rate_limited(admin.site.login)),  # before admin/: the same rate limit as the others
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # Its script is a separate file (`?script`), as the Content-Security-Policy requires.
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="web/api_docs.html"),
        name="api-docs",
    ),
    path("api/v1/ptw/health/", HealthView.as_view(), name="ptw-health"),
    path("api/v1/auth/", include("accounts.api.urls")),
    path("api/v1/", include("ptw.api.urls")),
    path("api/v1/notifications/preferences/", PreferencesView.as_view(), name="delivery-preferences"),
    path("api/v1/notifications/contact/", ContactView.as_view(), name="delivery-contact"),
    path("api/v1/notifications/", include("notifications.api.urls")),
    path("", include("web.urls")),
]

handler400 = "backend.error_views.bad_request"
handler403 = "backend.error_views.permission_denied"
handler404 = "backend.error_views.page_not_found"
handler500 = "backend.error_views.server_error"
