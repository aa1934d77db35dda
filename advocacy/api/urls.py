"""``/api/v1/``: user-level routes, and tenant routes under ``orgs/<org_slug>/``."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import views

org_router = SimpleRouter(trailing_slash=True)

org_api_urlpatterns = [
    path("", views.OrganizationDetailView.as_view({"get": "retrieve"}), name="api_org_detail"),
    *org_router.urls,
]

urlpatterns = [
    path("me/", views.MeView.as_view(), name="api_me"),
    path("orgs/<slug:org_slug>/", include(org_api_urlpatterns)),
]
