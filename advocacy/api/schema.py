"""What every API operation may answer besides its success, written into the OpenAPI schema
once (a drf-spectacular postprocessing hook, ``SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]``)
instead of on each view.

Every error is in the API's one format (``advocacy/api/errors.py``):
``{"errors": {field: [messages]}, "code": …, "status": …}``. Which errors an operation can
give follows from its shape: any operation can answer 401 (no or a bad token), 403 (the
role may not, or a session request without its CSRF token) and 429 (throttled); one with
path parameters 404 (an organization the caller is not a member of, an id of nothing of
theirs); every write, and a read with query parameters, 400 (invalid input, or a change
the object's state does not allow).
"""

from __future__ import annotations

from typing import Any

ERROR_COMPONENT = "Error"

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Every API error: the messages per field, a machine-readable code, the status.",
    "required": ["errors", "code", "status"],
    "properties": {
        "errors": {
            "type": "object",
            "description": (
                "Messages per input field; `detail` for an error not about one field, "
                "`non_field_errors` for one about several. A nested field's messages "
                "are nested the same way."
            ),
            "additionalProperties": {
                "oneOf": [{"type": "array", "items": {}}, {"type": "object"}],
            },
        },
        "code": {"type": "string", "description": "For example invalid, not_found."},
        "status": {"type": "integer", "description": "The HTTP status, repeated."},
    },
}

DESCRIPTIONS = {
    "400": "The input is not valid: the messages name each field.",
    "401": "No credentials, or a token that is unknown, revoked or expired.",
    "403": "The caller's role does not allow this (or a session request lacks its CSRF token).",
    "404": "No such object in this organization, or an organization the caller is not in.",
    "406": "The Accept header asks for a format the API does not give (it answers JSON).",
    "429": "Too many requests: wait for the seconds in the Retry-After header.",
}

_METHODS = ("get", "put", "post", "patch", "delete")


def _error_codes(path: str, method: str, operation: dict[str, Any]) -> list[str]:
    # 406: content negotiation, which every view does before anything else.
    codes = ["401", "403", "406", "429"]
    parameters = operation.get("parameters", [])
    if "{" in path:
        codes.append("404")
    # A write may be refused as invalid even without a body (a transition the object's
    # state does not allow); a read only for its query parameters.
    if method != "get" or any(p.get("in") == "query" for p in parameters):
        codes.append("400")
    return sorted(codes)


def document_error_responses(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas[ERROR_COMPONENT] = ERROR_SCHEMA
    for path, item in result.get("paths", {}).items():
        for method in _METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            responses = operation.setdefault("responses", {})
            for code in _error_codes(path, method, operation):
                if code not in responses:
                    responses[code] = _error_response(code)
    return result


def _error_response(code: str) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": DESCRIPTIONS[code],
        "content": {
            "application/json": {"schema": {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}}
        },
    }
    if code == "429":
        response["headers"] = {
            "Retry-After": {
                "schema": {"type": "integer"},
                "description": "Seconds to wait before the next request.",
            }
        }
    return response
