"""Root URLconf. Tenant pages live under ``/o/<org_slug>/``, the tenant API under
``/api/v1/orgs/<org_slug>/``; apps contribute ``org_urlpatterns`` and ``api_urlpatterns``."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView

from campaigns.views import amplification as amplification_views
from campaigns.views import hashtags as hashtags_views
from content_library.views.feed import FeedView
from notifications import urls as notification_urls

from .api import docs as api_docs
from .api import urls as api_urls
from .views import (
    account,
    audit_log,
    departments,
    health,
    home,
    invitation_accept,
    invitations,
    members,
    tokens,
)

org_urlpatterns: list[URLPattern | URLResolver] = [
    path("", home.OrgHomeView.as_view(), name="org_home"),
    # Content library (content_library/urls.py) and the employee feed
    path("feed/", FeedView.as_view(), name="content_feed"),
    path("content/", include("content_library.urls")),
    # Networks and sharing (social/urls/accounts.py, social/urls/shares.py)
    path("networks/", include("social.urls.accounts")),
    path("shares/", include("social.urls.shares")),
    # Member administration (advocacy/views/{members,invitations,departments,audit_log}.py)
    path("members/", members.MembersListView.as_view(), name="members_list"),
    path("members/invite/", invitations.MembersInviteView.as_view(), name="members_invite"),
    path("members/import/", invitations.MembersImportView.as_view(), name="members_import"),
    path(
        "members/<int:member_id>/",
        members.MemberDetailView.as_view(),
        name="member_detail",
    ),
    path("invitations/", invitations.InvitationsListView.as_view(), name="invitations_list"),
    path(
        "invitations/<int:invitation_id>/revoke/",
        invitations.InvitationRevokeView.as_view(),
        name="invitation_revoke",
    ),
    path(
        "invitations/<int:invitation_id>/resend/",
        invitations.InvitationResendView.as_view(),
        name="invitation_resend",
    ),
    path("departments/", departments.DepartmentsListView.as_view(), name="departments_list"),
    path(
        "departments/<int:department_id>/",
        departments.DepartmentDetailView.as_view(),
        name="department_detail",
    ),
    path("audit-log/", audit_log.AuditLogView.as_view(), name="audit_log"),
    # Guidelines: policy documents, caption rules, the caption checker (guidelines/urls.py)
    path("guidelines/", include("guidelines.urls")),
    # Campaigns and recognition (campaigns/urls/*.py)
    path("campaigns/", include("campaigns.urls.campaigns")),
    path("points/", include("campaigns.urls.points")),
    path("leaderboards/", include("campaigns.urls.boards")),
    path("rewards/", include("campaigns.urls.rewards")),
    path("raffles/", include("campaigns.urls.raffles")),
    path("amplify/", include("campaigns.urls.amplification")),
    path("hashtags/", include("campaigns.urls.hashtags")),
    # Notifications: the list, preferences, the organization's defaults (notifications/urls.py)
    path("notifications/", include("notifications.urls")),
]

urlpatterns = [
    path("", home.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("favicon.ico", home.favicon, name="favicon"),
    path("s/", include("social.urls.links")),
    # Public raffle pages: the published commitment, list hash, seed and winners
    path("raffles/", include("campaigns.urls.public")),
    # Company pages' OAuth comes back here, for every organization (one registered redirect URI)
    path(
        "company-pages/callback/",
        amplification_views.company_page_callback,
        name="company_page_callback",
    ),
    # The signed one-click unsubscribe link of notification e-mails (no login)
    path("notifications/unsubscribe/", include(notification_urls.public_urlpatterns)),
    path("accounts/", include("allauth.urls")),
    # Facebook Login for Business's one registered redirect (campaigns: hashtag tracking)
    path(
        "integrations/instagram/callback/",
        hashtags_views.instagram_oauth_return,
        name="instagram_oauth_return",
    ),
    path("account/", account.profile, name="account_profile"),
    path("account/language/", account.language_switch, name="language_switch"),
    path("account/api-tokens/", tokens.api_tokens, name="account_api_tokens"),
    path(
        "account/api-tokens/revoke-all/",
        tokens.api_tokens_revoke_all_view,
        name="account_api_tokens_revoke_all",
    ),
    path(
        "account/api-tokens/<int:token_id>/revoke/",
        tokens.api_token_revoke_view,
        name="account_api_token_revoke",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("invite/<str:token>/", invitation_accept.invitation_accept, name="invitation_accept"),
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

handler400 = "advocacy.errors.bad_request"
handler403 = "advocacy.errors.permission_denied"
handler404 = "advocacy.errors.page_not_found"
handler500 = "advocacy.errors.server_error"
