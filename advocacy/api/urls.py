"""``/api/v1/``: user-level routes, and tenant routes under ``orgs/<org_slug>/``.

Every route of the core comes from a router (extra verbs are ``@action``s); the other
apps' API modules are included under their prefixes.
"""

from django.urls import include, path

from . import audit_log, departments, invitations, members, organizations, tokens
from .routers import Router, SingletonRouter

org_router = Router(trailing_slash=True)
org_router.register("members", members.MemberViewSet, basename="api_members")
org_router.register("invitations", invitations.InvitationViewSet, basename="api_invitations")
org_router.register("departments", departments.DepartmentViewSet, basename="api_departments")
org_router.register("audit-log", audit_log.AuditLogViewSet, basename="api_audit_log")

org_singleton = SingletonRouter(trailing_slash=True)
org_singleton.register(
    "", organizations.OrganizationViewSet, basename="api_org", names={"detail": "api_org_detail"}
)

user_router = Router(trailing_slash=True)
user_router.register(
    "tokens",
    tokens.ApiTokenViewSet,
    basename="api_token",
    names={"list": "api_tokens", "detail": "api_token_detail"},
)
user_singleton = SingletonRouter(trailing_slash=True)
user_singleton.register(
    "me", organizations.MeViewSet, basename="api_me", names={"detail": "api_me"}
)

org_api_urlpatterns = [
    *org_singleton.urls,
    *org_router.urls,
    # Guidelines (guidelines/api/urls.py)
    path("guidelines/", include("guidelines.api.urls")),
    # Content library (content_library/api/urls.py)
    path("content/", include("content_library.api.urls")),
    # Networks and sharing (social/api/urls.py)
    path("", include("social.api.urls")),
    # Campaigns and recognition (campaigns/api/urls.py)
    path("", include("campaigns.api.urls")),
    # Notifications: mine and my preferences (notifications/api.py)
    path("", include("notifications.api")),
]

urlpatterns = [
    *user_singleton.urls,
    *user_router.urls,
    path("orgs/<slug:org_slug>/", include(org_api_urlpatterns)),
]
