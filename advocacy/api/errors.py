"""One error format for the whole API: ``{"errors": {field: [messages]}, "code": …}``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def _as_lists(detail: Any) -> Any:
    if isinstance(detail, dict):
        return {k: _as_lists(v) for k, v in detail.items()}
    if isinstance(detail, list):
        if all(not isinstance(d, dict | list) for d in detail):
            return [str(d) for d in detail]
        return [_as_lists(d) for d in detail]
    return [str(detail)]


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "message_dict"):
            exc = exceptions.ValidationError(exc.message_dict)
        else:
            exc = exceptions.ValidationError({"non_field_errors": exc.messages})
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
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
