"""One error format for the whole API: ``{"errors": {field: [messages]}, "code": …, "status": …}``.

Errors raised in an API view go through ``exception_handler`` (DRF's ``EXCEPTION_HANDLER``).
Whatever answers an error outside it (an unknown ``/api/`` URL, a body too large found
before the view, a bug, Django's debug pages) is rewritten into the same format by
``advocacy.api.middleware.ApiErrorMiddleware``, using ``error_body``.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("The request body is too large.")
    default_code = "request_too_large"


class BadRequest(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = _("The request could not be understood.")
    default_code = "bad_request"


#: The message and code of an error answered outside an API view, by status.
STATUS_ERRORS: dict[int, tuple[Any, str]] = {
    400: (BadRequest.default_detail, BadRequest.default_code),
    401: (exceptions.NotAuthenticated.default_detail, "not_authenticated"),
    403: (_("Your role does not allow this."), "permission_denied"),
    404: (_("Not found."), "not_found"),
    405: (_("This method is not allowed here."), "method_not_allowed"),
    413: (RequestTooLarge.default_detail, RequestTooLarge.default_code),
    429: (exceptions.Throttled.default_detail, "throttled"),
    500: (_("Something went wrong on our side."), "server_error"),
}


def error_body(status_code: int, message: Any = None, code: str | None = None) -> dict[str, Any]:
    """The API's error body for ``status_code`` (its standard message and code unless given)."""
    default_message, default_code = STATUS_ERRORS.get(status_code, (None, None))
    if default_code is None:
        try:
            phrase = HTTPStatus(status_code).phrase
        except ValueError:
            phrase = "Error"
        default_message, default_code = phrase, phrase.lower().replace(" ", "_").replace("-", "_")
    return {
        "errors": {"detail": [str(message or default_message)]},
        "code": code or default_code,
        "status": status_code,
    }


def _as_lists(detail: Any) -> Any:
    if isinstance(detail, dict):
        return {k: _as_lists(v) for k, v in detail.items()}
    if isinstance(detail, list):
        if all(not isinstance(d, dict | list) for d in detail):
            return [str(d) for d in detail]
        return [_as_lists(d) for d in detail]
    return [str(detail)]


def as_api_exception(exc: Exception) -> Exception:
    """Django's exceptions as the DRF exceptions that answer them."""
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "message_dict"):
            return exceptions.ValidationError(exc.message_dict)
        return exceptions.ValidationError({"non_field_errors": exc.messages})
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, PermissionDenied):
        return exceptions.PermissionDenied()
    if isinstance(exc, RequestDataTooBig):
        return RequestTooLarge()
    if isinstance(exc, SuspiciousOperation):  # too many fields or files, a bad multipart body…
        return BadRequest()
    return exc


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    exc = as_api_exception(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        data = (
            response.data
            if isinstance(response.data, dict)
            else {"non_field_errors": response.data}
        )
        errors = _as_lists(data)
        code = "invalid"
    else:
        detail = (
            response.data.get("detail", response.data)
            if isinstance(response.data, dict)
            else response.data
        )
        errors = {"detail": _as_lists(detail)}
        code = getattr(exc, "default_code", "error")
    response.data = {"errors": errors, "code": code, "status": response.status_code}
    if response.status_code == status.HTTP_401_UNAUTHORIZED:
        response.data["code"] = "not_authenticated"
    return response
