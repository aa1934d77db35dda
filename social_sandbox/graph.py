"""The Graph API plumbing Instagram and Facebook share: the ``fields`` parameter, cursor
paging, access-token checks with Meta's error codes and messages, "object not found", and
the shape of an insights answer. The networks themselves live in ``instagram.py`` and
``facebook.py``."""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from social_sandbox.errors import graph_error
from social_sandbox.web import HttpError, Response, add_query

if TYPE_CHECKING:
    from social_sandbox.app import Ctx, Router


def graph_time(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


def requested_fields(ctx: Ctx, default: str) -> list[str]:
    raw = ctx.req.params().get("fields") or default
    fields, depth, current = [], 0, ""
    for char in raw:
        if char in "{(":
            depth += 1
        elif char in "})":
            depth -= 1
        if char == "," and depth == 0:
            fields.append(current)
            current = ""
        else:
            current += char
    fields.append(current)
    names = []
    for field in fields:
        name = field.split("{")[0].split(".")[0].split("(")[0].strip()
        if name and name not in names:
            names.append(name)
    return names


def pick(data: dict[str, Any], fields: list[str]) -> dict[str, Any]:
    out = {"id": data["id"]} if "id" in data else {}
    for field in fields:
        if field in data and data[field] is not None:
            out[field] = data[field]
    return out


def _cursor(index: int) -> str:
    return base64.urlsafe_b64encode(str(index).encode()).decode().rstrip("=")


def _from_cursor(value: str | None) -> int:
    if not value:
        return 0
    try:
        return int(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode())
    except ValueError:
        return 0


def paginate(ctx: Ctx, items: list[dict[str, Any]]) -> dict[str, Any]:
    params = ctx.req.params()
    try:
        limit = min(100, max(1, int(params.get("limit") or 25)))
    except ValueError:
        limit = 25
    start = _from_cursor(params.get("after"))
    chunk = items[start : start + limit]
    result: dict[str, Any] = {"data": chunk}
    if items:
        cursors = {"before": _cursor(start), "after": _cursor(start + len(chunk))}
        paging: dict[str, Any] = {"cursors": cursors}
        if start + limit < len(items):
            paging["next"] = add_query(
                ctx.url(ctx.req.path), {"limit": str(limit), "after": cursors["after"]}
            )
        result["paging"] = paging
    return result


def graph_token(ctx: Ctx, network: str, *scopes: str) -> dict[str, Any]:
    """The caller's valid token for ``network`` holding all ``scopes``."""
    store = ctx.store
    value = ctx.req.bearer() or ctx.req.params().get("access_token")
    if not value:
        raise HttpError(graph_error("An access token is required to request this resource.", 104))
    token = store.token(value)
    status = store.token_status(token)
    if token is None or token["network"] != network or token["kind"] == "refresh":
        raise HttpError(graph_error("Invalid OAuth access token - Cannot parse access token", 190))
    if status == "expired":
        when = datetime.fromtimestamp(token["expires_at"], UTC).strftime(
            "%A, %d-%b-%y %H:%M:%S UTC"
        )
        raise HttpError(
            graph_error(
                f"Error validating access token: Session has expired on {when}. The current time is "
                f"{datetime.fromtimestamp(store.now(), UTC).strftime('%A, %d-%b-%y %H:%M:%S UTC')}.",
                190,
                subcode=463,
            )
        )
    if status == "revoked":
        raise HttpError(
            graph_error(
                "Error validating access token: The user has not authorized application.",
                190,
                subcode=458,
            )
        )
    missing = [s for s in scopes if s not in token["scopes"]]
    if missing:
        if network == "instagram":
            raise HttpError(
                graph_error("Application does not have permission for this action", 10, status=403)
            )
        raise HttpError(
            graph_error(
                f"(#200) Requires {' and '.join(missing)} permission{'s' if len(missing) > 1 else ''} to manage the object",
                200,
                status=403,
            )
        )
    return token


def not_found(object_id: str, method: str = "get") -> HttpError:
    return HttpError(
        graph_error(
            f"Unsupported {method} request. Object with ID '{object_id}' does not exist, cannot be loaded due "
            "to missing permissions, or does not support this operation. Please read the Graph API "
            "documentation at https://developers.facebook.com/docs/graph-api",
            100,
            subcode=33,
            error_type="GraphMethodException",
        )
    )


def is_true(value: str | None) -> bool:
    return (value or "").lower() in ("true", "1")


def http_url(value: str | None) -> bool:
    parts = urlsplit(value or "")
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def insights_body(object_id: str, values: dict[str, Any], titles: dict[str, str]) -> dict[str, Any]:
    """A Graph insights answer: one lifetime value per metric, titled as the network titles it."""
    return {
        "data": [
            {
                "name": name,
                "period": "lifetime",
                "values": [{"value": value}],
                "title": titles.get(name, name),
                "description": titles.get(name, name),
                "id": f"{object_id}/insights/{name}/lifetime",
            }
            for name, value in values.items()
        ]
    }


def metric_names(ctx: Ctx, allowed: list[str], retired_message: str | None) -> list[str]:
    raw = ctx.req.params().get("metric")
    if not raw:
        raise HttpError(graph_error("(#100) The parameter metric is required", 100))
    names = [m.strip() for m in raw.split(",") if m.strip()]
    for index, name in enumerate(names):
        if name not in allowed:
            message = retired_message or (
                f"(#100) metric[{index}] must be one of the following values: {', '.join(allowed)}"
            )
            raise HttpError(graph_error(message, 100))
    return names


def refused_image(url: str | None) -> bool:
    if not http_url(url):
        return True
    return urlsplit(url or "").path.lower().endswith(".bmp")


def graph_routes(router: Router, prefix: str, network: str) -> Callable[..., None]:
    """A function that adds one of ``network``'s Graph endpoints under ``prefix``:
    ``add(methods, pattern, handler, endpoint)``."""

    def add(methods: str | tuple[str, ...], pattern: str, handler: Any, endpoint: str) -> None:
        router.add(
            methods, prefix + pattern, handler, network=network, endpoint=endpoint, dialect="graph"
        )

    return add


def insights_not_ready(ctx: Ctx, created_at: float) -> bool:
    """Whether a post is too young for insights (the network answers an empty list)."""
    return ctx.now() - created_at < float(ctx.store.config["insights_lag_seconds"])


def insights_answer(
    object_id: str, names: list[str], values: dict[str, Any], titles: dict[str, str]
) -> Response:
    """The insights answer with the requested ``names`` out of ``values``."""
    return Response.json(insights_body(object_id, {n: values[n] for n in names}, titles))
