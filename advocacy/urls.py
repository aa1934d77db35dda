"""Root URLconf. Tenant pages live under ``/o/<org_slug>/``, the tenant API under
``/api/v1/orgs/<org_slug>/``; apps contribute ``org_urlpatterns`` and ``api_urlpatterns``."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from content_library.views.feed import FeedView

from . import views, views_account, views_members
from .api import docs as api_docs
from .api import urls as api_urls

org_urlpatterns = [
    path("", views.OrgHomeView.as_view(), name="org_home"),
    # Content library (content_library/urls.py) and the employee feed
    path("feed/", FeedView.as_view(), name="content_feed"),
    path("content/", include("content_library.urls")),
    # Networks and sharing (social/urls_accounts.py, social/urls_shares.py)
    path("networks/", include("social.urls.accounts")),
    path("shares/", include("social.urls.shares")),
    # Member administration (advocacy/views_members.py)
    path("members/", views_members.MembersListView.as_view(), name="members_list"),
    path("members/invite/", views_members.MembersInviteView.as_view(), name="members_invite"),
    path("members/import/", views_members.MembersImportView.as_view(), name="members_import"),
    path(
        "members/<int:member_id>/",
        views_members.MemberDetailView.as_view(),
        name="member_detail",
    ),
    path("invitations/", views_members.InvitationsListView.as_view(), name="invitations_list"),
    path(
        "invitations/<int:invitation_id>/revoke/",
        views_members.InvitationRevokeView.as_view(),
        name="invitation_revoke",
    ),
    path(
        "invitations/<int:invitation_id>/resend/",
        views_members.InvitationResendView.as_view(),
        name="invitation_resend",
    ),
    path("departments/", views_members.DepartmentsListView.as_view(), name="departments_list"),
    path(
        "departments/<int:department_id>/",
        views_members.DepartmentDetailView.as_view(),
        name="department_detail",
    ),
    path("audit-log/", views_members.AuditLogView.as_view(), name="audit_log"),
    # Guidelines: policy documents, caption rules, the caption checker (guidelines/urls.py)
    path("guidelines/", include("guidelines.urls")),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("s/", include("social.urls.links")),
    path("accounts/", include("allauth.urls")),
    path("account/", views_account.profile, name="account_profile"),
    path("account/language/", views_account.language_switch, name="language_switch"),
    path("account/api-tokens/", views_account.api_tokens, name="account_api_tokens"),
    path(
        "account/api-tokens/<int:token_id>/revoke/",
        views_account.api_token_revoke_view,
        name="account_api_token_revoke",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("invite/<str:token>/", views_members.invitation_accept, name="invitation_accept"),
    path("o/<slug:org_slug>/", include(org_urlpatterns)),
    path("api/v1/", include(api_urls)),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("api/v1/docs/", api_docs.RedocView.as_view(url_name="api_schema"), name="api_docs"),
    path(
        "api/v1/docs/swagger/",
        api_docs.SwaggerView.as_view(url_name="api_schema"),
        name="api_docs_swagger",
    ),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler403 = "advocacy.errors.permission_denied"
handler404 = "advocacy.errors.page_not_found"
handler500 = "advocacy.errors.server_error"
