"""API routes of guidelines, included under ``/api/v1/orgs/<org_slug>/guidelines/``."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter(trailing_slash=True)
router.register("documents", api.PolicyDocumentViewSet, basename="api_guidelines_document")
router.register("rules", api.GuidelineRuleViewSet, basename="api_guidelines_rule")

urlpatterns = [
    path(
        "check/",
        api.CaptionCheckViewSet.as_view({"get": "check", "post": "check"}),
        name="api_guidelines_check",
    ),
    path(
        "documents/<int:document_id>/versions/",
        api.PolicyVersionViewSet.as_view({"get": "list"}),
        name="api_guidelines_version-list",
    ),
    path(
        "documents/<int:document_id>/versions/<int:version_id>/",
        api.PolicyVersionViewSet.as_view({"get": "retrieve"}),
        name="api_guidelines_version-detail",
    ),
    path(
        "documents/<int:document_id>/versions/<int:version_id>/publish/",
        api.PolicyVersionViewSet.as_view({"post": "publish"}),
        name="api_guidelines_version-publish",
    ),
    *router.urls,
]
