"""``/api/v1/``: user-level routes, and tenant routes under ``orgs/<org_slug>/``."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import members, views
from .tokens import ApiTokenViewSet

org_router = SimpleRouter(trailing_slash=True)
# Member administration (advocacy/api/members.py)
org_router.register("members", members.MemberViewSet, basename="api_members")
org_router.register("invitations", members.InvitationViewSet, basename="api_invitations")
org_router.register("departments", members.DepartmentViewSet, basename="api_departments")
org_router.register("audit-log", members.AuditLogViewSet, basename="api_audit_log")

org_api_urlpatterns = [
    path("", views.OrganizationDetailView.as_view({"get": "retrieve"}), name="api_org_detail"),
    *org_router.urls,
    # Guidelines (guidelines/api/urls.py)
    path("guidelines/", include("guidelines.api.urls")),
    # Content library (content_library/api_urls.py)
    path("content/", include("content_library.api_urls")),
    # Networks and sharing (social/api_accounts.py, social/api_shares.py)
    path("networks/", include("social.api_accounts")),
    path("shares/", include("social.api_shares")),
]

urlpatterns = [
    path("me/", views.MeView.as_view(), name="api_me"),
    path(
        "tokens/",
        ApiTokenViewSet.as_view({"get": "list", "post": "create"}),
        name="api_tokens",
    ),
    path(
        "tokens/<int:token_id>/",
        ApiTokenViewSet.as_view({"delete": "destroy"}),
        name="api_token_detail",
    ),
    path("orgs/<slug:org_slug>/", include(org_api_urlpatterns)),
]
