"""Every error under ``/api/`` in the API's one error format, whatever answered it.

API views answer their errors through ``advocacy.api.errors.exception_handler``. Some
errors never reach it: an unknown ``/api/`` URL, a body Django refuses before the view,
a view's bug, a method a plain Django view does not offer, Django's debug pages when
``DEBUG`` is on. This middleware, the outermost, turns any error response under ``/api/``
that is not JSON into the API's JSON error for its status, keeping the headers a client
acts on (``Allow``, ``Retry-After``, ``WWW-Authenticate``). A DRF response rendered by the
browsable API (a client that asked for HTML) already holds the error format and is left
as it is.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from rest_framework.renderers import BrowsableAPIRenderer
from rest_framework.response import Response

from .errors import error_body

API_PREFIX = "/api/"
KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate", "Vary")


def is_api_path(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX) or request.path_info.startswith(API_PREFIX)


def _is_json(response: HttpResponse) -> bool:
    content_type = (response.get("Content-Type") or "").split(";")[0].strip().lower()
    return content_type == "application/json" or content_type.endswith("+json")


def _browsable(response: HttpResponse) -> bool:
    renderer = getattr(response, "accepted_renderer", None)
    return isinstance(response, Response) and isinstance(renderer, BrowsableAPIRenderer)


class ApiErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code < 400
            or not is_api_path(request)
            or _is_json(response)
            or _browsable(response)
        ):
            return response
        replacement = JsonResponse(error_body(response.status_code), status=response.status_code)
        for header in KEPT_HEADERS:
            if header in response:
                replacement[header] = response[header]
        for name, cookie in response.cookies.items():
            replacement.cookies[name] = cookie
        # Not response.close(): that signals the end of the request (request_finished), which
        # the handler does once, for the response it sends.
        return replacement
