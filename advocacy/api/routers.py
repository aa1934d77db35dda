"""The API's routers. Every route of the core API comes from a router; extra verbs are
``@action``s on the viewset.

``Router`` is DRF's ``SimpleRouter`` that can keep a route's historical name
(``names={"list": "api_tokens"}``), so URL names stay stable for clients and templates.
``SingletonRouter`` serves viewsets that answer for one thing at their prefix without an
id (the organization of the URL, the signed-in user): GET maps to ``retrieve``.
"""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern
from rest_framework.routers import Route, SimpleRouter


class Router(SimpleRouter):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._names: dict[str, str] = {}

    def register(
        self,
        prefix: str,
        viewset: Any,
        basename: str | None = None,
        *,
        names: dict[str, str] | None = None,
    ) -> None:
        """``names`` maps a route (``list``, ``detail`` or an action's url name) to the
        URL name it keeps."""
        super().register(prefix, viewset, basename)
        base = basename or self.get_default_basename(viewset)
        for route, name in (names or {}).items():
            self._names[f"{base}-{route}"] = name

    def get_urls(self) -> list[Any]:
        urls = super().get_urls()
        for url in urls:
            if isinstance(url, URLPattern) and url.name in self._names:
                url.name = self._names[url.name]
        return urls


class SingletonRouter(Router):
    routes = [
        Route(
            url=r"^{prefix}{trailing_slash}$",
            mapping={"get": "retrieve"},
            name="{basename}-detail",
            detail=True,
            initkwargs={"suffix": "Instance"},
        ),
    ]
