"""Error bodies in each network's own shape."""

from __future__ import annotations

from typing import Any

from social_sandbox.web import HttpError, Response, fbtrace_id


def linkedin_error(
    status: int,
    message: str,
    *,
    code: str | None = None,
    service_error_code: int | None = None,
    headers: list[tuple[str, str]] | None = None,
    **extra: Any,
) -> Response:
    """LinkedIn REST error: ``{"status", "serviceErrorCode"?, "code"?, "message", ...}``."""
    body: dict[str, Any] = {"status": status}
    if service_error_code is not None:
        body["serviceErrorCode"] = service_error_code
    if code is not None:
        body["code"] = code
    body["message"] = message
    body.update(extra)
    return Response.json(body, status=status, headers=headers)


def linkedin_input_error(
    status: int, message: str, inputs: list[tuple[str, str, str]], *, code: str | None = None
) -> Response:
    """A Rest.li input error (422/400) with ``errorDetails.inputErrors``.

    ``inputs`` are (fieldPath, code, description) triples.
    """
    return linkedin_error(
        status,
        message,
        code=code,
        errorDetailType="com.linkedin.common.error.BadRequest",
        errorDetails={
            "inputErrors": [
                {
                    "description": description,
                    "input": {"inputPath": {"fieldPath": field_path}} if field_path else {},
                    "code": error_code,
                }
                for field_path, error_code, description in inputs
            ]
        },
    )


def linkedin_oauth_error(error: str, description: str, status: int = 400) -> Response:
    return Response.json({"error": error, "error_description": description}, status=status)


def graph_error(
    message: str,
    code: int,
    *,
    subcode: int | None = None,
    error_type: str = "OAuthException",
    status: int = 400,
    is_transient: bool | None = None,
    user_title: str | None = None,
    user_msg: str | None = None,
    headers: list[tuple[str, str]] | None = None,
) -> Response:
    """Meta Graph error: ``{"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}``."""
    error: dict[str, Any] = {"message": message, "type": error_type, "code": code}
    if subcode is not None:
        error["error_subcode"] = subcode
    if is_transient is not None:
        error["is_transient"] = is_transient
    if user_title:
        error["error_user_title"] = user_title
    if user_msg:
        error["error_user_msg"] = user_msg
    trace = fbtrace_id()
    error["fbtrace_id"] = trace
    all_headers = [("x-fb-trace-id", trace)]
    if code == 190:
        all_headers.append(("WWW-Authenticate", 'OAuth "Facebook Platform" "invalid_token"'))
    all_headers.extend(headers or [])
    return Response.json({"error": error}, status=status, headers=all_headers)


def instagram_oauth_error(
    message: str, code: int = 400, error_type: str = "OAuthException"
) -> Response:
    """api.instagram.com's own (older) shape for its OAuth endpoint."""
    return Response.json(
        {"error_type": error_type, "code": code, "error_message": message}, status=code
    )


def fail(response: Response) -> HttpError:
    """``raise fail(graph_error(...))`` reads better than wrapping by hand."""
    return HttpError(response)
