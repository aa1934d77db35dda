"""The sandbox WSGI application: routing, fault injection, request log, persistence."""

from __future__ import annotations

import logging
import re
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from social_sandbox import faults
from social_sandbox.errors import graph_error, linkedin_error
from social_sandbox.store import Store
from social_sandbox.web import HttpError, Request, Response

log = logging.getLogger("social_sandbox")

#: environ key telling the server to close the connection without answering.
DROP_KEY = "social_sandbox.drop"

#: A Graph API version segment (optional in paths: Graph accepts unversioned calls).
VER = r"(?:/(?P<ver>v\d+\.\d+))?"


@dataclass
class Route:
    methods: tuple[str, ...]
    pattern: re.Pattern[str]
    handler: Callable[..., Response]
    network: str | None  # "linkedin", "instagram", "facebook" or None (admin and pages)
    endpoint: str  # the name fault rules match, e.g. "posts.create"
    dialect: str  # error shape: linkedin, linkedin_oauth, graph, instagram_oauth, html, admin


@dataclass
class Ctx:
    """What a handler gets: the app, the request, the public base URL and the matched route."""

    app: SandboxApp
    req: Request
    base: str
    route: Route
    extra_headers: list[tuple[str, str]] = field(default_factory=list)

    @property
    def store(self) -> Store:
        return self.app.store

    def url(self, path: str) -> str:
        return self.base + path

    def now(self) -> float:
        return self.store.now()


class Router:
    def __init__(self) -> None:
        self.routes: list[Route] = []

    def add(
        self,
        methods: str | Iterable[str],
        pattern: str,
        handler: Callable[..., Response],
        *,
        network: str | None = None,
        endpoint: str = "",
        dialect: str = "admin",
    ) -> None:
        if isinstance(methods, str):
            methods = (methods,)
        self.routes.append(
            Route(
                methods=tuple(m.upper() for m in methods),
                pattern=re.compile(f"^{pattern}$"),
                handler=handler,
                network=network,
                endpoint=endpoint or handler.__name__,
                dialect=dialect,
            )
        )

    def match(self, method: str, path: str) -> tuple[Route | None, dict[str, str], bool]:
        """(route, groups, path_matched_some_route)."""
        path_matched = False
        for route in self.routes:
            found = route.pattern.match(path)
            if not found:
                continue
            path_matched = True
            if method in route.methods or (method == "HEAD" and "GET" in route.methods):
                groups = {k: v for k, v in found.groupdict().items() if v is not None}
                return route, groups, True
        return None, {}, path_matched


def dialect_for_path(path: str) -> str:
    if path.startswith("/linkedin/api"):
        return "linkedin"
    if path.startswith("/linkedin/oauth"):
        return "linkedin_oauth"
    if path.startswith(("/graph", "/instagram/graph")):
        return "graph"
    if path.startswith("/instagram/oauth"):
        return "instagram_oauth"
    if path.startswith("/_sandbox"):
        return "admin"
    return "html"


def error_for_dialect(dialect: str, status: int, message: str, path: str = "") -> Response:
    if dialect == "linkedin":
        return linkedin_error(status, message)
    if dialect == "graph":
        if status == 404:
            return graph_error(f"Unknown path components: {path}", 2500, status=400)
        if status >= 500:
            return graph_error("An unknown error has occurred.", 1, status=500, is_transient=True)
        return graph_error(message, 100, status=status)
    if dialect == "linkedin_oauth":
        return Response.json(
            {
                "error": "server_error" if status >= 500 else "invalid_request",
                "error_description": message,
            },
            status=status,
        )
    if dialect == "instagram_oauth":
        return Response.json(
            {"error_type": "OAuthException", "code": status, "error_message": message},
            status=status,
        )
    if dialect == "html":
        from social_sandbox.web import esc, page

        return Response.html(page(message, f"<h1>{esc(message)}</h1>"), status=status)
    return Response.json({"error": message}, status=status)


class SandboxApp:
    """The WSGI callable."""

    def __init__(self, store: Store | None = None, public_url: str | None = None) -> None:
        self.store = store or Store()
        self.public_url = public_url.rstrip("/") if public_url else None
        self.stopping = threading.Event()
        self.router = Router()
        from social_sandbox import (
            admin,
            chat,
            facebook,
            facebook_www,
            instagram,
            instagram_hashtags,
            linkedin,
            linkedin_organizations,
            oauth,
        )

        oauth.register(self.router)
        linkedin.register(self.router)
        linkedin_organizations.register(self.router)
        instagram.register(self.router)
        instagram_hashtags.register(self.router)
        facebook.register(self.router)
        facebook_www.register(self.router)
        chat.register(self.router)
        admin.register(self.router)

    def base_url(self, req: Request) -> str:
        if self.public_url:
            return self.public_url
        env = req.environ
        scheme = req.header("x-forwarded-proto") or env.get("wsgi.url_scheme", "http")
        host = req.header("x-forwarded-host") or req.header("host")
        if not host:
            host = f"{env.get('SERVER_NAME', '127.0.0.1')}:{env.get('SERVER_PORT', '80')}"
        return f"{scheme}://{host}".rstrip("/")

    def sleep(self, seconds: float) -> None:
        """Sleep, but wake up at once when the server is stopping."""
        self.stopping.wait(max(0.0, seconds))

    # ---- WSGI ---------------------------------------------------------------------------------
    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        started = time.monotonic()
        req = Request(environ)
        route, groups, path_matched = self.router.match(req.method, req.path)
        fault_kind: str | None = None
        drop = False
        if route is None:
            dialect = dialect_for_path(req.path)
            if path_matched:
                response = error_for_dialect(
                    dialect, 405, f"Method {req.method} not allowed", req.path
                )
            else:
                response = error_for_dialect(dialect, 404, "Not Found", req.path)
        else:
            ctx = Ctx(app=self, req=req, base=self.base_url(req), route=route)
            response, fault_kind, drop = self._dispatch(ctx, groups)
            response.headers.extend(ctx.extra_headers)
        if drop:
            environ[DROP_KEY] = True
        if route is None or not route.endpoint.startswith("requests."):
            self._log(req, route, response, fault_kind, drop, started)
        start_response(response.status_line(), response.wsgi_headers())
        if req.method == "HEAD":
            return [b""]
        return [response.body]

    def _dispatch(self, ctx: Ctx, groups: dict[str, str]) -> tuple[Response, str | None, bool]:
        route = ctx.route
        fault = None
        if route.network:
            fault = faults.take(self.store, route, faults.accounts_for(ctx, groups))
        kind = fault["kind"] if fault else None
        try:
            if fault and kind == "timeout":
                self.sleep(faults.timeout_delay(self.store, fault))
            if fault and kind in faults.ANSWERING_KINDS:
                return faults.respond(ctx, fault), kind, False
            with self.store.lock:
                try:
                    response = route.handler(ctx, **groups)
                except HttpError as error:
                    response = error.response
                self.store.save()
            if fault and kind == "lost_response":
                if fault.get("mode") == "504":
                    return faults.gateway_timeout(), kind, False
                return response, kind, True
            return response, kind, False
        except Exception:
            log.error("sandbox handler failed:\n%s", traceback.format_exc())
            return error_for_dialect(route.dialect, 500, "Internal Server Error"), kind, False

    def _log(
        self,
        req: Request,
        route: Route | None,
        response: Response,
        fault_kind: str | None,
        drop: bool,
        started: float,
    ) -> None:
        headers = dict(req.headers)
        if "authorization" in headers:
            headers["authorization"] = headers["authorization"][:16] + "…"
        now = self.store.now()
        self.store.log_request(
            {
                "at": datetime.fromtimestamp(now, UTC).isoformat(),
                "method": req.method,
                "path": req.path,
                "query": req.raw_query,
                "route": route.endpoint if route else None,
                "network": route.network if route else None,
                "status": None if drop else response.status,
                "fault": fault_kind,
                "dropped": drop,
                "duration_ms": round((time.monotonic() - started) * 1000, 1),
                "request_headers": headers,
                "request_body": req.body[:2000].decode("utf-8", "replace"),
                "response_body": response.body[:2000].decode("utf-8", "replace"),
            }
        )
