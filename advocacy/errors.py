"""Friendly error pages, and the API's error format for ``/api/`` paths.

The 500 page renders without context processors: when things went wrong, the
database or the request itself may be what failed.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _api_error(message: str, code: str, status: int) -> JsonResponse:
    return JsonResponse(
        {"errors": {"detail": [message]}, "code": code, "status": status}, status=status
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return _api_error(_("Your role does not allow this."), "permission_denied", 403)
    return render(request, "errors/403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return _api_error(_("Not found."), "not_found", 404)
    return render(request, "errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return _api_error(_("Something went wrong on our side."), "server_error", 500)
    return HttpResponse(loader.get_template("errors/500.html").render(), status=500)
