"""Friendly error pages, and the API's error format for ``/api/`` paths.

The 500 page renders without context processors: when things went wrong, the
database or the request itself may be what failed.
"""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views import defaults

from .api.errors import error_body
from .api.middleware import is_api_path


def _api_error(status: int) -> JsonResponse:
    return JsonResponse(error_body(status), status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api_path(request):
        return _api_error(413 if isinstance(exception, RequestDataTooBig) else 400)
    return defaults.bad_request(request, exception)  # type: ignore[arg-type]


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api_path(request):
        return _api_error(403)
    return render(request, "errors/403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api_path(request):
        return _api_error(404)
    return render(request, "errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if is_api_path(request):
        return _api_error(500)
    return HttpResponse(loader.get_template("errors/500.html").render(), status=500)
