"""Fault injection: rules set through ``/_sandbox/faults`` that change how endpoints answer.

A rule ``{"kind", "network", "endpoint", "account", "count"}`` matches a request when its network
and endpoint (``fnmatch`` pattern, e.g. ``posts.*``) match the route and its account is ``*`` or
one of the request's accounts (the path's account id, the token's member/user/page id). Each match
uses up one of ``count`` (an integer or ``"always"``); the first matching rule wins.
"""

from __future__ import annotations

import fnmatch
import json
import math
from typing import TYPE_CHECKING, Any

from social_sandbox.errors import graph_error, linkedin_error, linkedin_input_error
from social_sandbox.web import Response

if TYPE_CHECKING:
    from social_sandbox.app import Ctx, Route
    from social_sandbox.store import Store

KINDS = (
    "rate_limit",
    "server_error",
    "timeout",
    "revoked_token",
    "duplicate",
    "ig_quota",
    "lost_response",
)
#: Kinds answered by the fault itself, without running the endpoint.
ANSWERING_KINDS = {"rate_limit", "server_error", "revoked_token", "duplicate", "ig_quota"}
NETWORKS = ("linkedin", "instagram", "facebook", "*")
GRAPH_RATE_LIMIT_CODES = {
    4: "(#4) Application request limit reached",
    17: "(#17) User request limit reached",
    32: "(#32) Page request limit reached",
    613: "(#613) Calls to this api have exceeded the rate limit.",
    80002: "There have been too many calls to this Instagram account. Wait a bit and try again.",
}


class FaultError(ValueError):
    """A fault rule that cannot be accepted (answered as HTTP 400)."""


def validate(store: Store, spec: dict[str, Any]) -> dict[str, Any]:
    """Check a rule from the admin API and return it normalised (with an id)."""
    if not isinstance(spec, dict):
        raise FaultError("a fault is a JSON object")
    kind = spec.get("kind")
    if kind not in KINDS:
        raise FaultError(f"kind must be one of {', '.join(KINDS)} (or 'reset')")
    network = spec.get("network", "*")
    if network not in NETWORKS:
        raise FaultError(f"network must be one of {', '.join(NETWORKS)}")
    if kind == "ig_quota" and network not in ("instagram", "*"):
        raise FaultError("ig_quota applies to instagram only")
    count = spec.get("count", 1)
    if count != "always" and (not isinstance(count, int) or isinstance(count, bool) or count < 1):
        raise FaultError("count must be a positive integer or 'always'")
    rule: dict[str, Any] = {
        "id": f"fault-{store.next_seq()}",
        "kind": kind,
        "network": network,
        "endpoint": str(spec.get("endpoint", "*") or "*"),
        "account": _normalise_account(str(spec.get("account", "*") or "*")),
        "count": count,
        "hits": 0,
    }
    if kind == "server_error":
        status = spec.get("status", 500)
        if status not in (500, 502, 503):
            raise FaultError("server_error status must be 500, 502 or 503")
        rule["status"] = status
    if kind == "rate_limit":
        code = spec.get("code", 4)
        if code not in GRAPH_RATE_LIMIT_CODES:
            raise FaultError(f"rate_limit code must be one of {sorted(GRAPH_RATE_LIMIT_CODES)}")
        rule["code"] = code
        rule["scope"] = spec.get("scope", "application")
        if rule["scope"] not in ("application", "member"):
            raise FaultError("rate_limit scope must be 'application' or 'member'")
        if "retry_after" in spec:
            rule["retry_after"] = _positive_number(spec["retry_after"], "retry_after")
    if kind == "revoked_token":
        rule["subcode"] = int(spec.get("subcode", 460))
    if kind == "timeout" and "delay" in spec:
        rule["delay"] = _positive_number(spec["delay"], "delay")
    if kind == "lost_response":
        mode = spec.get("mode", "drop")
        if mode not in ("drop", "504"):
            raise FaultError("lost_response mode must be 'drop' or '504'")
        rule["mode"] = mode
    return rule


def _positive_number(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise FaultError(f"{name} must be a non-negative number")
    return float(value)


def _normalise_account(value: str) -> str:
    for prefix in ("urn:li:person:",):
        if value.startswith(prefix):
            return value[len(prefix) :]
    return value


def accounts_for(ctx: Ctx, groups: dict[str, str]) -> set[str]:
    """Every account id a request concerns: path account and the token's subject/page."""
    found: set[str] = set()
    if groups.get("account"):
        found.add(groups["account"])
    params = ctx.req.query
    token_value = ctx.req.bearer() or (params.get("access_token") or [None])[0]
    if not token_value:
        token_value = ctx.req.form_value("access_token")
    record = ctx.store.token(token_value)
    if record:
        found.add(record["subject"])
        if record.get("page_id"):
            found.add(record["page_id"])
    return found


def take(store: Store, route: Route, accounts: set[str]) -> dict[str, Any] | None:
    """Find the first rule matching this request and use up one of its count."""
    with store.lock:
        rules = store.state["faults"]
        for rule in rules:
            if rule["network"] not in ("*", route.network):
                continue
            if not fnmatch.fnmatchcase(route.endpoint, rule["endpoint"]):
                continue
            if rule["account"] != "*" and rule["account"] not in accounts:
                continue
            if rule["kind"] == "ig_quota" and route.network != "instagram":
                continue
            rule["hits"] += 1
            if rule["count"] != "always":
                rule["count"] -= 1
                if rule["count"] <= 0:
                    rules.remove(rule)
            return dict(rule)
    return None


def timeout_delay(store: Store, rule: dict[str, Any]) -> float:
    delay = rule.get("delay", store.config["timeout_delay_seconds"])
    return min(float(delay), float(store.config["max_timeout_delay_seconds"]))


def gateway_timeout() -> Response:
    return Response.html(
        "<html><body><h1>504 Gateway Time-out</h1>The server didn't respond in time.</body></html>",
        status=504,
    )


def respond(ctx: Ctx, rule: dict[str, Any]) -> Response:
    """The answer of an answering fault, in the route's own error shape."""
    kind = rule["kind"]
    dialect = ctx.route.dialect
    retry_after = str(int(rule.get("retry_after", ctx.store.config["retry_after_seconds"])))
    if dialect == "graph":
        return _graph_fault(ctx, rule, retry_after)
    if dialect == "linkedin":
        return _linkedin_fault(rule, retry_after)
    if dialect == "linkedin_oauth":
        return _oauth_fault(rule, retry_after)
    if dialect == "instagram_oauth":
        return _instagram_oauth_fault(rule, retry_after)
    return Response.json({"error": kind}, status=500)


def _linkedin_fault(rule: dict[str, Any], retry_after: str) -> Response:
    kind = rule["kind"]
    if kind == "rate_limit":
        level = "APPLICATION" if rule.get("scope", "application") == "application" else "MEMBER"
        return linkedin_error(
            429,
            f"Resource level throttle {level} DAY limit for calls to this resource is reached.",
            code="TOO_MANY_REQUESTS",
            headers=[("Retry-After", retry_after)],
        )
    if kind == "server_error":
        status = rule.get("status", 500)
        headers = [("Retry-After", retry_after)] if status == 503 else []
        message = "Internal Server Error" if status == 500 else "Service Unavailable"
        return linkedin_error(status, message, code="SERVER_ERROR", headers=headers)
    if kind == "revoked_token":
        return linkedin_error(
            401,
            "The token used in the request has been revoked by the user",
            code="REVOKED_ACCESS_TOKEN",
            service_error_code=65601,
        )
    if kind == "duplicate":
        return linkedin_input_error(
            422,
            "Content is a duplicate of urn:li:share:0",
            [("", "DUPLICATE_POST", "Duplicate post is detected")],
            code="DUPLICATE_POST",
        )
    return linkedin_error(500, f"Unsupported fault {kind}")


def _graph_fault(ctx: Ctx, rule: dict[str, Any], retry_after: str) -> Response:
    kind = rule["kind"]
    network = ctx.route.network or "facebook"
    if kind == "rate_limit":
        code = rule.get("code", 4)
        minutes = max(1, math.ceil(int(retry_after) / 60))
        usage = {"call_count": 100, "total_cputime": 87, "total_time": 96}
        headers = [("X-App-Usage", json.dumps(usage if code == 4 else dict(usage, call_count=64)))]
        if code != 4:
            account = next(iter(sorted(accounts_for(ctx, {}))), "0")
            buc_type = "instagram" if network == "instagram" else "pages"
            headers.append(
                (
                    "X-Business-Use-Case-Usage",
                    json.dumps(
                        {
                            account: [
                                {
                                    "type": buc_type,
                                    "call_count": 100,
                                    "total_cputime": 40,
                                    "total_time": 58,
                                    "estimated_time_to_regain_access": minutes,
                                }
                            ]
                        }
                    ),
                )
            )
        return graph_error(
            GRAPH_RATE_LIMIT_CODES[code],
            code,
            status=403,
            is_transient=True,
            headers=headers,
        )
    if kind == "server_error":
        status = rule.get("status", 500)
        if status == 500:
            return graph_error("An unknown error has occurred.", 1, status=500, is_transient=True)
        return graph_error(
            "An unexpected error has occurred. Please retry your request later.",
            2,
            status=status,
            is_transient=True,
        )
    if kind == "revoked_token":
        subcode = rule.get("subcode", 460)
        messages = {
            458: "Error validating access token: The user has not authorized application.",
            460: "Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons.",
            463: "Error validating access token: Session has expired.",
        }
        return graph_error(
            messages.get(subcode, "Error validating access token: The session is invalid."),
            190,
            subcode=subcode,
            status=400,
        )
    if kind == "duplicate":
        return graph_error("(#506) Duplicate status message", 506, status=400)
    if kind == "ig_quota":
        return _ig_quota_error()
    return graph_error(f"Unsupported fault {kind}", 1, status=500)


def _ig_quota_error() -> Response:
    return graph_error(
        "Application request limit reached",
        9,
        subcode=2207042,
        status=400,
        is_transient=False,
        user_title="Cannot publish",
        user_msg="The account has reached its maximum number of posts it can publish via API in 24 hours. Please try again later.",
    )


ig_quota_error = _ig_quota_error


def _oauth_fault(rule: dict[str, Any], retry_after: str) -> Response:
    kind = rule["kind"]
    if kind == "rate_limit":
        return Response.json(
            {"error": "rate_limit_exceeded", "error_description": "Too many requests"},
            status=429,
            headers=[("Retry-After", retry_after)],
        )
    if kind == "revoked_token":
        return Response.json(
            {"error": "invalid_grant", "error_description": "The token has been revoked"},
            status=400,
        )
    status = rule.get("status", 500) if kind == "server_error" else 400
    return Response.json(
        {
            "error": "server_error" if status >= 500 else "invalid_request",
            "error_description": kind,
        },
        status=status,
    )


def _instagram_oauth_fault(rule: dict[str, Any], retry_after: str) -> Response:
    kind = rule["kind"]
    if kind == "rate_limit":
        return Response.json(
            {
                "error_type": "OAuthRateLimitException",
                "code": 429,
                "error_message": "The maximum number of requests per hour has been exceeded.",
            },
            status=429,
            headers=[("Retry-After", retry_after)],
        )
    status = rule.get("status", 500) if kind == "server_error" else 400
    return Response.json(
        {"error_type": "OAuthException", "code": status, "error_message": f"Sandbox fault: {kind}"},
        status=status,
    )
