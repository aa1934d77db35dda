"""API routes of guidelines, included under ``/api/v1/orgs/<org_slug>/guidelines/``.
Routers only: extra verbs are ``@action``s of their viewsets."""

from rest_framework.routers import Route, SimpleRouter

from .checks import CaptionCheckViewSet
from .documents import PolicyDocumentViewSet, PolicyVersionViewSet
from .rules import GuidelineRuleViewSet


class SingleRouteRouter(SimpleRouter):
    """A resource that is one verb, not a collection (``check/``): GET and POST of the
    prefix both call ``check``, and the route is named after the basename alone."""

    routes = [
        Route(
            url=r"^{prefix}{trailing_slash}$",
            mapping={"get": "check", "post": "check"},
            name="{basename}",
            detail=False,
            initkwargs={"suffix": "Check"},
        )
    ]


check_router = SingleRouteRouter(trailing_slash=True)
check_router.register("check", CaptionCheckViewSet, basename="api_guidelines_check")

router = SimpleRouter(trailing_slash=True)
router.register("documents", PolicyDocumentViewSet, basename="api_guidelines_document")
router.register(
    r"documents/(?P<document_id>[0-9]+)/versions",
    PolicyVersionViewSet,
    basename="api_guidelines_version",
)
router.register("rules", GuidelineRuleViewSet, basename="api_guidelines_rule")

urlpatterns = [*check_router.urls, *router.urls]
