from django.contrib.auth import views as auth_views
from django.urls import path

from .views import account, board, notifications, permits, profile, rules

app_name = "web"

urlpatterns = [
    path("", board.home, name="home"),
    path("accounts/login/", account.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", account.PasswordChangeView.as_view(), name="password-change"),
    path("dashboard/board/", board.board, name="board"),
    path("dashboard/profile/", profile.profile, name="profile"),
    path("dashboard/preferences/", profile.preference_page, name="preferences"),
    path("dashboard/ptw/", permits.permit_list, name="permits"),
    path("dashboard/ptw/new/", permits.permit_create, name="permit-new"),
    # Notifications link to /dashboard/ptw/view/{id} (no trailing slash); accept both.
    path("dashboard/ptw/view/<int:pk>", permits.permit_detail, name="permit"),
    path("dashboard/ptw/view/<int:pk>/", permits.permit_detail),
    path("dashboard/ptw/view/<int:pk>/edit/", permits.permit_edit, name="permit-edit"),
    path("dashboard/ptw/view/<int:pk>/actions/<slug:action>/", permits.permit_action, name="permit-action"),
    path("dashboard/ptw/escalation-rules/", rules.rule_list, name="rules"),
    path("dashboard/ptw/escalation-rules/<int:pk>/", rules.rule_update, name="rule-update"),
    path("dashboard/notifications/", notifications.inbox, name="inbox"),
    path("dashboard/notifications/stream/", notifications.stream, name="notification-stream"),
    path("dashboard/notifications/bell.json", notifications.bell_json, name="bell-json"),
    path("dashboard/notifications/read-all/", notifications.notifications_read_all, name="notifications-read-all"),
    path("dashboard/notifications/<int:pk>/open/", notifications.notification_open, name="notification-open"),
    path(
        "dashboard/notifications/<int:pk>/read/",
        notifications.notification_mark,
        {"state": "read"},
        name="notification-read",
    ),
    path(
        "dashboard/notifications/<int:pk>/unread/",
        notifications.notification_mark,
        {"state": "unread"},
        name="notification-unread",
    ),
]
