"""Authentication API routes, included at /api/v1/auth/."""

from django.urls import path

from . import views

app_name = "auth-api"
urlpatterns = [
    path("token/", views.LoginView.as_view(), name="token"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("logout-all/", views.LogoutAllView.as_view(), name="logout-all"),
    path("tokens/", views.TokenListView.as_view(), name="tokens"),
    path("tokens/<str:key>/", views.TokenDetailView.as_view(), name="token-detail"),
    path("password/", views.PasswordChangeView.as_view(), name="password"),
]
