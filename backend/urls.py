from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from ptw.api.health import HealthView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("api/v1/ptw/health/", HealthView.as_view(), name="ptw-health"),
    path("api/v1/", include("ptw.api.urls")),
    path("api/v1/notifications/", include("notifications.api.urls")),
    path("", include("web.urls")),
]
