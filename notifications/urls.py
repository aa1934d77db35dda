"""Pages under /o/<org_slug>/notifications/ (included in advocacy/urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.NotificationsListView.as_view(), name="notifications_list"),
    path("read-all/", views.NotificationsReadAllView.as_view(), name="notifications_read_all"),
    path(
        "<int:notification_id>/read/",
        views.NotificationReadView.as_view(),
        name="notification_read",
    ),
    path("preferences/", views.PreferencesView.as_view(), name="notifications_preferences"),
    path("settings/", views.OrgSettingsView.as_view(), name="notifications_org_settings"),
    path("channels/", views.ChatChannelsView.as_view(), name="notifications_channels"),
    path(
        "channels/<int:channel_id>/delete/",
        views.ChatChannelDeleteView.as_view(),
        name="notifications_channel_delete",
    ),
]

#: Outside the organization prefix: the signed unsubscribe link needs no login.
public_urlpatterns = [
    path("<str:token>/", views.UnsubscribeView.as_view(), name="notifications_unsubscribe"),
]
