"""Bare routes: public paths served before the session, locale, CSRF, authentication and
message middleware.

The tracked-link redirect ``/s/<code>`` answers every reader of every shared post with a 302;
it reads no session, knows no user, sets no cookie and shows no text, so the machinery of
the pages costs it time and buys it nothing. ``BareRouteMiddleware`` sits right after
``SecurityMiddleware``, which still runs for these paths (its HTTPS redirect and its headers:
``X-Content-Type-Options``, ``Referrer-Policy``, ``Cross-Origin-Opener-Policy``, HSTS).

``settings.BARE_ROUTES`` maps a path prefix to a small URLconf of its own (the redirect's is
``social.urls.links``, which the root URLconf includes under the same prefix). For a GET or
HEAD under such a prefix, the middleware checks the Host header as ``CommonMiddleware`` would
(``ALLOWED_HOSTS``), resolves the rest of the path in that URLconf and calls the view
directly. Everything else goes down the full stack as before: other methods, a path the
small URLconf does not know, and a view that raises ``Http404`` (so a 404 page is rendered,
in the visitor's language, exactly like every other one; the view runs twice only then).
A bare view must therefore answer from its arguments alone, with no ``request.user``,
``request.session`` or CSRF token.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import Resolver404, URLResolver, get_resolver

SAFE_METHODS = frozenset({"GET", "HEAD"})


class BareRouteMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        routes: dict[str, str] = getattr(settings, "BARE_ROUTES", {})
        self.routes: tuple[tuple[str, URLResolver], ...] = tuple(
            (prefix, get_resolver(urlconf)) for prefix, urlconf in routes.items()
        )
        self.prefixes = tuple(prefix for prefix, _resolver in self.routes)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if not self.prefixes or not path.startswith(self.prefixes):
            return self.get_response(request)
        if request.method not in SAFE_METHODS:
            return self.get_response(request)
        for prefix, resolver in self.routes:
            if not path.startswith(prefix):
                continue
            try:
                match = resolver.resolve("/" + path[len(prefix) :])
            except Resolver404:
                continue
            request.get_host()  # DisallowedHost (a 400) for a Host not in ALLOWED_HOSTS
            request.resolver_match = match
            try:
                return match.func(request, *match.args, **match.kwargs)
            except Http404:
                break  # the full stack renders the 404 page
        return self.get_response(request)
