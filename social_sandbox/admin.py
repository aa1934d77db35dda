"""The sandbox's own JSON admin API under ``/_sandbox/`` and the index page at ``/``."""

from __future__ import annotations

import copy
import hashlib
import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from social_sandbox import faults
from social_sandbox.mapping import BASE_PATHS, PRODUCTION_BASES, bases
from social_sandbox.store import DEFAULT_CONFIG
from social_sandbox.web import HttpError, Response, esc, page

if TYPE_CHECKING:
    from social_sandbox.app import Ctx, Router

A = "/_sandbox"
PROFILE_NETWORKS = ("linkedin", "instagram", "facebook")


def register(router: Router) -> None:
    router.add("GET", r"/", index, endpoint="index", dialect="html")
    router.add("GET", A + r"/?", summary, endpoint="summary")
    router.add("GET", A + r"/state", state, endpoint="state")
    router.add("POST", A + r"/reset", reset, endpoint="reset")
    router.add("GET", A + r"/faults", list_faults, endpoint="faults.list")
    router.add("POST", A + r"/faults", add_fault, endpoint="faults.add")
    router.add("DELETE", A + r"/faults", clear_faults, endpoint="faults.clear")
    router.add(
        "DELETE", A + r"/faults/(?P<fault_id>[\w-]+)", delete_fault, endpoint="faults.delete"
    )
    router.add(("GET", "POST"), A + r"/clock", clock, endpoint="clock")
    router.add(("GET", "POST"), A + r"/config", config, endpoint="config")
    router.add("GET", A + r"/profiles", list_profiles, endpoint="profiles.list")
    router.add("POST", A + r"/profiles", add_profile, endpoint="profiles.add")
    router.add("GET", A + r"/apps", list_apps, endpoint="apps.list")
    router.add("POST", A + r"/apps", add_app, endpoint="apps.add")
    router.add("GET", A + r"/tokens/(?P<token>[^/]+)", get_token, endpoint="tokens.get")
    router.add(
        "POST",
        A + r"/tokens/(?P<token>[^/]+)/(?P<action>expire|revoke)",
        token_action,
        endpoint="tokens.action",
    )
    router.add("GET", A + r"/requests", list_requests, endpoint="requests.list")
    router.add("DELETE", A + r"/requests", clear_requests, endpoint="requests.clear")
    router.add("GET", A + r"/bases", get_bases, endpoint="bases")
    router.add(
        "GET",
        A + r"/avatar/(?P<profile_id>[\w.-]+)\.svg",
        avatar,
        endpoint="avatar",
        dialect="html",
    )


def _body(ctx: Ctx) -> dict[str, Any]:
    if not ctx.req.body:
        return {}
    try:
        data = ctx.req.json()
    except ValueError:
        raise HttpError(Response.json({"error": "the body must be JSON"}, status=400)) from None
    if not isinstance(data, dict):
        raise HttpError(Response.json({"error": "the body must be a JSON object"}, status=400))
    return data


def _bad(message: str) -> HttpError:
    return HttpError(Response.json({"error": message}, status=400))


def _clock_info(ctx: Ctx) -> dict[str, Any]:
    now = ctx.now()
    clock = ctx.store.state["clock"]
    return {
        "now": now,
        "iso": datetime.fromtimestamp(now, UTC).isoformat(),
        "offset_seconds": clock.get("offset", 0.0),
        "fixed": clock.get("fixed"),
    }


# ---- pages and summaries --------------------------------------------------------------------
def index(ctx: Ctx) -> Response:
    mapping = bases(ctx.base)
    rows = "".join(
        f'<tr><th scope="row"><code>{esc(name)}</code></th><td><code>{esc(mapping[name])}</code></td>'
        f'<td class="muted">{esc(PRODUCTION_BASES[name])}</td></tr>'
        for name in BASE_PATHS
    )
    endpoints = [
        (
            "LinkedIn",
            [
                "GET {LINKEDIN_OAUTH_BASE}/.well-known/openid-configuration",
                "GET {LINKEDIN_OAUTH_BASE}/v2/authorization (consent page)",
                "POST {LINKEDIN_OAUTH_BASE}/v2/accessToken",
                "GET {LINKEDIN_API_BASE}/v2/userinfo",
                "POST/GET {LINKEDIN_API_BASE}/rest/posts, GET/DELETE /rest/posts/{urn}",
                "POST {LINKEDIN_API_BASE}/rest/images?action=initializeUpload, PUT uploadUrl",
                "GET {LINKEDIN_API_BASE}/rest/memberCreatorPostAnalytics, /rest/socialMetadata/{urn}",
            ],
        ),
        (
            "Instagram",
            [
                "GET {INSTAGRAM_WWW_BASE}/oauth/authorize (consent page)",
                "POST {INSTAGRAM_OAUTH_BASE}/oauth/access_token",
                "GET {INSTAGRAM_GRAPH_BASE}/access_token (ig_exchange_token), /refresh_access_token",
                "POST {INSTAGRAM_GRAPH_BASE}/{ver}/{ig_id}/media, /media_publish",
                "GET {INSTAGRAM_GRAPH_BASE}/{ver}/{container}?fields=status_code,status",
                "GET {INSTAGRAM_GRAPH_BASE}/{ver}/{ig_id}/media, /content_publishing_limit, /{media}/insights",
            ],
        ),
        (
            "Facebook",
            [
                "GET {FACEBOOK_WWW_BASE}/{ver}/dialog/oauth (consent page), /dialog/share",
                "GET {META_GRAPH_BASE}/{ver}/oauth/access_token (code, fb_exchange_token)",
                "GET {META_GRAPH_BASE}/{ver}/me/accounts?fields=id,name,access_token,tasks",
                "POST/GET {META_GRAPH_BASE}/{ver}/{page_id}/feed, POST /{page_id}/photos",
                "GET {META_GRAPH_BASE}/{ver}/{post_id}/insights",
            ],
        ),
        (
            "Sandbox admin (JSON)",
            [
                "GET /_sandbox/state · POST /_sandbox/reset",
                "GET/POST/DELETE /_sandbox/faults · DELETE /_sandbox/faults/{id}",
                "GET/POST /_sandbox/clock · GET/POST /_sandbox/config",
                "GET/POST /_sandbox/profiles · GET/POST /_sandbox/apps",
                "GET /_sandbox/tokens/{token} · POST /_sandbox/tokens/{token}/expire|revoke",
                "GET/DELETE /_sandbox/requests · GET /_sandbox/bases",
            ],
        ),
    ]
    sections = "".join(
        f"<h2>{esc(title)}</h2><ul>"
        + "".join(f"<li><code>{esc(item)}</code></li>" for item in items)
        + "</ul>"
        for title, items in endpoints
    )
    profiles = "".join(
        f"<h3>{esc(network.title())}</h3><ul>"
        + "".join(
            f'<li>{esc(p["name"])} <span class="muted">id {esc(p["id"])}, {p.get("followers", 0):,} followers</span></li>'
            for p in ctx.store.profiles(network)
        )
        + "</ul>"
        for network in PROFILE_NETWORKS
    )
    body = (
        "<h1>Social network sandbox</h1>"
        "<p>Impersonates LinkedIn, Instagram and Facebook over HTTP for Chorus's tests and demo. "
        "Demo app: client id <code>chorus-sandbox-client</code>, secret <code>chorus-sandbox-secret</code>.</p>"
        f"<h2>Base URLs</h2><table><thead><tr><th>setting</th><th>sandbox</th><th>production</th></tr></thead><tbody>{rows}</tbody></table>"
        f"{sections}<h2>Profiles</h2>{profiles}"
    )
    markup = page("Social network sandbox", body)
    return Response.html(markup.replace("max-width:34rem", "max-width:60rem"))


def summary(ctx: Ctx) -> Response:
    s = ctx.store.state
    return Response.json(
        {
            "bases": bases(ctx.base),
            "clock": _clock_info(ctx),
            "counts": {
                "tokens": len(s["tokens"]),
                "linkedin_posts": len(s["linkedin"]["posts"]),
                "instagram_media": len(s["instagram"]["media"]),
                "facebook_posts": len(s["facebook"]["posts"]),
                "facebook_shares": len(s["facebook"]["shares"]),
                "faults": len(s["faults"]),
            },
        }
    )


def state(ctx: Ctx) -> Response:
    data = copy.deepcopy(ctx.store.state)
    data["clock"] = _clock_info(ctx)
    for record in data["tokens"].values():
        record["status"] = ctx.store.token_status(record)
    section = ctx.req.arg("section")
    if section:
        if section not in data:
            raise _bad(f"unknown section {section}")
        return Response.json({section: data[section]})
    return Response.json(data)


def reset(ctx: Ctx) -> Response:
    body = _body(ctx)
    what = body.get("what")
    if what is None:
        flags = {
            "state": body.get("state", True),
            "faults": body.get("faults", True),
            "clock": body.get("clock", True),
        }
    else:
        if not isinstance(what, list) or not set(what) <= {"state", "faults", "clock", "requests"}:
            raise _bad("what is a list of state, faults, clock, requests")
        flags = {k: k in what for k in ("state", "faults", "clock")}
    ctx.store.reset(
        state=bool(flags["state"]), faults=bool(flags["faults"]), clock=bool(flags["clock"])
    )
    if (what is None and body.get("requests", True)) or (what is not None and "requests" in what):
        ctx.store.requests.clear()
    return Response.json({"reset": flags})


# ---- faults ---------------------------------------------------------------------------------
def list_faults(ctx: Ctx) -> Response:
    return Response.json({"faults": ctx.store.state["faults"]})


def add_fault(ctx: Ctx) -> Response:
    body = _body(ctx)
    specs = body.get("faults") if "faults" in body else [body]
    if not isinstance(specs, list):
        raise _bad("faults is a list")
    added = []
    for spec in specs:
        if isinstance(spec, dict) and spec.get("kind") == "reset":
            scope = spec.get("scope", "faults")
            if scope not in ("faults", "all"):
                raise _bad("a reset's scope is faults or all")
            ctx.store.reset(state=scope == "all", faults=True, clock=scope == "all")
            added.append({"kind": "reset", "scope": scope})
            continue
        try:
            rule = faults.validate(ctx.store, spec)
        except faults.FaultError as error:
            raise _bad(str(error)) from None
        ctx.store.state["faults"].append(rule)
        added.append(rule)
    if "faults" not in body:
        return Response.json(added[0], status=201)
    return Response.json({"faults": added}, status=201)


def clear_faults(ctx: Ctx) -> Response:
    ctx.store.state["faults"] = []
    return Response.empty(204)


def delete_fault(ctx: Ctx, fault_id: str) -> Response:
    rules = ctx.store.state["faults"]
    kept = [r for r in rules if r["id"] != fault_id]
    if len(kept) == len(rules):
        return Response.json({"error": f"no fault {fault_id}"}, status=404)
    ctx.store.state["faults"] = kept
    return Response.empty(204)


# ---- clock and config -----------------------------------------------------------------------
def _epoch(value: Any) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise _bad(f"not an ISO date-time: {value}") from None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        return parsed.timestamp()
    raise _bad("a time is epoch seconds or an ISO 8601 string")


def clock(ctx: Ctx) -> Response:
    if ctx.req.method == "POST":
        body = _body(ctx)
        current = ctx.store.state["clock"]
        if body.get("reset"):
            ctx.store.state["clock"] = {"offset": 0.0, "fixed": None}
        if "fixed" in body:
            current = ctx.store.state["clock"]
            current["fixed"] = None if body["fixed"] is None else _epoch(body["fixed"])
        if "offset_seconds" in body:
            current = ctx.store.state["clock"]
            current["offset"] = float(body["offset_seconds"])
        if "advance_seconds" in body:
            current = ctx.store.state["clock"]
            step = float(body["advance_seconds"])
            if current.get("fixed") is not None:
                current["fixed"] = float(current["fixed"]) + step
            else:
                current["offset"] = float(current.get("offset") or 0.0) + step
    return Response.json(_clock_info(ctx))


def config(ctx: Ctx) -> Response:
    if ctx.req.method == "POST":
        body = _body(ctx)
        unknown = sorted(set(body) - set(DEFAULT_CONFIG))
        if unknown:
            raise _bad(f"unknown settings: {', '.join(unknown)}")
        for key, value in body.items():
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise _bad(f"{key} must be a number")
            ctx.store.config[key] = value
    return Response.json(ctx.store.config)


# ---- profiles and apps ----------------------------------------------------------------------
def list_profiles(ctx: Ctx) -> Response:
    return Response.json(ctx.store.state["profiles"])


def add_profile(ctx: Ctx) -> Response:
    body = _body(ctx)
    store = ctx.store
    network = body.get("network")
    if network not in PROFILE_NETWORKS:
        raise _bad("network is linkedin, instagram or facebook")
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        raise _bad("name is required")
    seq = store.next_seq()
    default_ids = {
        "linkedin": f"sbx{seq}",
        "instagram": str(17841400000000000 + seq),
        "facebook": str(10000000000000000 + seq),
    }
    profile_id = str(body.get("id") or default_ids[network])
    if network != "linkedin" and not profile_id.isdigit():
        raise _bad("instagram and facebook ids are digits")
    if network == "linkedin" and not re.fullmatch(r"[A-Za-z0-9_-]+", profile_id):
        raise _bad("a linkedin id is letters, digits, - and _")
    if store.profile(network, profile_id) is not None:
        raise _bad(f"a {network} profile {profile_id} exists")
    given, _, family = name.strip().partition(" ")
    profile: dict[str, Any] = {
        "id": profile_id,
        "name": name.strip(),
        "followers": int(body.get("followers", 100)),
    }
    if network == "linkedin":
        profile.update(
            given_name=body.get("given_name", given),
            family_name=body.get("family_name", family),
            email=body.get("email", f"{profile_id.lower()}@example.com"),
            connections=int(body.get("connections", 50)),
        )
    elif network == "instagram":
        profile["username"] = body.get("username") or re.sub(
            r"[^a-z0-9.]", "", name.lower().replace(" ", ".")
        )
    else:
        profile["email"] = body.get("email", f"{profile_id}@example.com")
        pages = []
        for index, spec in enumerate(body.get("pages", [])):
            if not isinstance(spec, dict) or not spec.get("name"):
                raise _bad("each page needs a name")
            page_id = str(spec.get("id") or 100000000000000 + seq * 10 + index)
            if store.facebook_page(page_id) is not None:
                raise _bad(f"a page {page_id} exists")
            page_record: dict[str, Any] = {
                "id": page_id,
                "name": spec["name"],
                "category": spec.get("category", "Company"),
                "followers": int(spec.get("followers", 100)),
                "tasks": spec.get(
                    "tasks", ["ADVERTISE", "ANALYZE", "CREATE_CONTENT", "MODERATE", "MANAGE"]
                ),
            }
            linked = str(spec.get("instagram_business_account") or "")
            if linked:
                if not linked.isdigit():
                    raise _bad("instagram_business_account is an Instagram user id (digits)")
                page_record["instagram_business_account"] = linked
            pages.append(page_record)
        profile["pages"] = pages
    store.state["profiles"][network].append(profile)
    return Response.json(profile, status=201)


def list_apps(ctx: Ctx) -> Response:
    return Response.json({"apps": list(ctx.store.state["apps"].values())})


def add_app(ctx: Ctx) -> Response:
    body = _body(ctx)
    client_id, secret = body.get("client_id"), body.get("client_secret")
    if not isinstance(client_id, str) or not client_id or not isinstance(secret, str) or not secret:
        raise _bad("client_id and client_secret are required strings")
    redirect_uris = body.get("redirect_uris", [])
    if not isinstance(redirect_uris, list) or not all(isinstance(u, str) for u in redirect_uris):
        raise _bad("redirect_uris is a list of URLs")
    app = {
        "client_id": client_id,
        "client_secret": secret,
        "name": str(body.get("name") or client_id),
        "redirect_uris": redirect_uris,
        "linkedin_refresh_tokens": bool(body.get("linkedin_refresh_tokens", False)),
    }
    ctx.store.state["apps"][client_id] = app
    return Response.json(app, status=201)


# ---- tokens, request log, bases, avatars ----------------------------------------------------
def _token_or_404(ctx: Ctx, token: str) -> dict[str, Any]:
    record = ctx.store.token(token)
    if record is None:
        raise HttpError(Response.json({"error": "no such token"}, status=404))
    return record


def get_token(ctx: Ctx, token: str) -> Response:
    record = _token_or_404(ctx, token)
    return Response.json(dict(record, status=ctx.store.token_status(record)))


def token_action(ctx: Ctx, token: str, action: str) -> Response:
    record = _token_or_404(ctx, token)
    if action == "revoke":
        record["revoked"] = True
    else:
        record["expires_at"] = ctx.now() - 1
    return Response.json(dict(record, status=ctx.store.token_status(record)))


def list_requests(ctx: Ctx) -> Response:
    try:
        limit = max(1, int(ctx.req.arg("limit") or 50))
    except ValueError:
        raise _bad("limit is an integer") from None
    with ctx.store.lock:
        entries = list(ctx.store.requests)[-limit:]
    return Response.json({"requests": entries})


def clear_requests(ctx: Ctx) -> Response:
    ctx.store.requests.clear()
    return Response.empty(204)


def get_bases(ctx: Ctx) -> Response:
    return Response.json(bases(ctx.base))


def avatar(ctx: Ctx, profile_id: str) -> Response:
    name = profile_id
    for network in PROFILE_NETWORKS:
        found = ctx.store.profile(network, profile_id)
        if found:
            name = found["name"]
            break
    initials = "".join(part[0] for part in name.split()[:2]).upper() or "?"
    hue = int(hashlib.sha256(profile_id.encode()).hexdigest(), 16) % 360
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96" viewBox="0 0 96 96">'
        f'<rect width="96" height="96" rx="48" fill="hsl({hue},55%,45%)"/>'
        '<text x="48" y="58" font-family="sans-serif" font-size="34" fill="#fff" '
        f'text-anchor="middle">{esc(initials)}</text></svg>'
    )
    return Response.text(svg, content_type="image/svg+xml")
