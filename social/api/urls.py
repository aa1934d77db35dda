"""API routes of networks and sharing, included under ``/api/v1/orgs/<org_slug>/``.

One router; extra verbs are ``@action``s on the viewsets. The route names predate the
router and stay as they were (``api_shares``, ``api_share_retry``, ...): each viewset names
its plain routes in ``route_names`` and each ``@action`` carries its full ``url_name``.
"""

from __future__ import annotations

from typing import Any

from rest_framework.routers import DynamicRoute, Route, SimpleRouter

from .accounts import NetworkAccountViewSet, NetworkHealthViewSet
from .shares import ShareViewSet


class NamedRouter(SimpleRouter):
    """``SimpleRouter`` whose route names come from the viewset, not from its basename."""

    routes = [
        Route(
            url=r"^{prefix}{trailing_slash}$",
            mapping={"get": "list", "post": "create"},
            name="{basename}-list",
            detail=False,
            initkwargs={"suffix": "List"},
        ),
        DynamicRoute(
            url=r"^{prefix}/{url_path}{trailing_slash}$",
            name="{url_name}",
            detail=False,
            initkwargs={},
        ),
        Route(
            url=r"^{prefix}/{lookup}{trailing_slash}$",
            mapping={
                "get": "retrieve",
                "put": "update",
                "patch": "partial_update",
                "delete": "destroy",
            },
            name="{basename}-detail",
            detail=True,
            initkwargs={"suffix": "Instance"},
        ),
        DynamicRoute(
            url=r"^{prefix}/{lookup}/{url_path}{trailing_slash}$",
            name="{url_name}",
            detail=True,
            initkwargs={},
        ),
    ]

    def get_routes(self, viewset: Any) -> list[Route]:
        names: dict[str, str] = getattr(viewset, "route_names", {})
        routes = []
        for route in super().get_routes(viewset):
            kind = {"{basename}-list": "list", "{basename}-detail": "detail"}.get(route.name)
            if kind in names:
                route = route._replace(name=names[kind])
            routes.append(route)
        return routes


router = NamedRouter(trailing_slash=True)
# Linked accounts (social/api/accounts.py): networks/, networks/health/, networks/<id>/disconnect/
router.register("networks", NetworkHealthViewSet, basename="api_networks_health")
router.register("networks", NetworkAccountViewSet, basename="api_networks")
# Shares (social/api/shares.py): shares/, shares/suggested-time/, shares/<id>/ and its verbs
router.register("shares", ShareViewSet, basename="api_shares")

urlpatterns = router.urls
