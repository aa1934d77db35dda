"""Core pages: the landing redirect, the organization home and the health check."""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from .selectors import memberships_of_user
from .tenancy import OrgPageView
from .views_account import home_context


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send a signed-in user to their organization; let them pick when they have several."""
    memberships = list(memberships_of_user(user=request.user))
    if len(memberships) == 1:
        return redirect("org_home", org_slug=memberships[0].organization.slug)
    return render(request, "advocacy/choose_organization.html", {"memberships": memberships})


class OrgHomeView(OrgPageView):
    template_name = "advocacy/org_home.html"

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return render(
            request, self.template_name, self.get_context_data(**home_context(self.membership))
        )


def _check(fn: Any) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        fn()
        ok, error = True, ""
    except Exception as exc:  # health checks report every failure, whatever its type
        ok, error = False, f"{type(exc).__name__}: {exc}"[:300]
    result: dict[str, Any] = {"ok": ok, "ms": round((time.perf_counter() - started) * 1000, 1)}
    if error:
        result["error"] = error
    return result


def _db() -> None:
    with connection.cursor() as cur:
        cur.execute("SELECT 1")
        cur.fetchone()


def _cache() -> None:
    cache.set("healthz", "ok", 10)
    if cache.get("healthz") != "ok":
        raise RuntimeError("cache did not return what was written")


def _broker() -> None:
    from .celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page says; send them to the static icon."""
    from django.templatetags.static import static

    return redirect(static("img/favicon.svg"), permanent=True)


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _check(_db), "cache": _check(_cache), "broker": _check(_broker)}
    healthy = all(c["ok"] for c in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )
