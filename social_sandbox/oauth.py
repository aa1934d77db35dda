"""OAuth: LinkedIn OpenID Connect, Instagram Login and Facebook Login, with consent pages.

The authorize pages are HTML where a person picks one of the fake profiles and approves or denies;
``GET`` shows the page, ``POST`` (the form) answers with the redirect the network would send.
Codes are single-use and short-lived; tokens are opaque random strings with an expiry.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from social_sandbox import keys
from social_sandbox.app import VER
from social_sandbox.errors import graph_error, instagram_oauth_error, linkedin_oauth_error
from social_sandbox.web import HttpError, Response, add_query, esc, hidden_fields, page

if TYPE_CHECKING:
    from social_sandbox.app import Ctx, Router

LINKEDIN_SCOPES = {
    "openid",
    "profile",
    "email",
    "w_member_social",
    "w_member_social_feed",
    "r_member_social",
    "r_member_postAnalytics",
    "r_1st_connections_size",
    # Company pages (Community Management API): social_sandbox.linkedin_organizations
    "w_organization_social",
    "r_organization_social",
    "rw_organization_admin",
}
INSTAGRAM_SCOPES = {
    "instagram_business_basic",
    "instagram_business_content_publish",
    "instagram_business_manage_insights",
    "instagram_business_manage_comments",
    "instagram_business_manage_messages",
}
FACEBOOK_SCOPES = {
    "public_profile",
    "email",
    "pages_show_list",
    "pages_manage_posts",
    "pages_read_engagement",
    "pages_read_user_content",
    "pages_manage_metadata",
    "pages_manage_engagement",
    "read_insights",
    "business_management",
    # Instagram API with Facebook Login (hashtag search: social_sandbox/instagram_hashtags.py)
    "instagram_basic",
}

LINKEDIN_CODE_ERROR = (
    "Unable to retrieve access token: appid/redirect uri/code verifier does not match "
    "authorization code. Or authorization code expired. Or external member binding exists"
)

NETWORK_LABELS = {"linkedin": "LinkedIn", "instagram": "Instagram", "facebook": "Facebook"}


def register(router: Router) -> None:
    li = "/linkedin/oauth"
    router.add(
        "GET",
        li + r"/\.well-known/openid-configuration",
        linkedin_discovery,
        network="linkedin",
        endpoint="oauth.discovery",
        dialect="linkedin_oauth",
    )
    router.add(
        "GET",
        li + r"/openid/jwks",
        linkedin_jwks,
        network="linkedin",
        endpoint="oauth.jwks",
        dialect="linkedin_oauth",
    )
    router.add(
        ("GET", "POST"),
        li + r"/v2/authorization",
        linkedin_authorize,
        endpoint="oauth.authorize",
        dialect="html",
    )
    router.add(
        "POST",
        li + r"/v2/accessToken",
        linkedin_access_token,
        network="linkedin",
        endpoint="oauth.token",
        dialect="linkedin_oauth",
    )
    router.add(
        ("GET", "POST"),
        r"/instagram/www/oauth/authorize",
        instagram_authorize,
        endpoint="oauth.authorize",
        dialect="html",
    )
    router.add(
        "POST",
        r"/instagram/oauth/oauth/access_token",
        instagram_access_token,
        network="instagram",
        endpoint="oauth.token",
        dialect="instagram_oauth",
    )
    router.add(
        "GET",
        r"/instagram/graph" + VER + r"/access_token",
        instagram_exchange_token,
        network="instagram",
        endpoint="oauth.exchange",
        dialect="graph",
    )
    router.add(
        "GET",
        r"/instagram/graph" + VER + r"/refresh_access_token",
        instagram_refresh_token,
        network="instagram",
        endpoint="oauth.refresh",
        dialect="graph",
    )
    router.add(
        ("GET", "POST"),
        r"/facebook/www" + VER + r"/dialog/oauth",
        facebook_authorize,
        endpoint="oauth.authorize",
        dialect="html",
    )
    router.add(
        ("GET", "POST"),
        r"/graph" + VER + r"/oauth/access_token",
        facebook_access_token,
        network="facebook",
        endpoint="oauth.token",
        dialect="graph",
    )


# ---- shared consent page --------------------------------------------------------------------
def _auth_params(ctx: Ctx) -> dict[str, str]:
    source = ctx.req.form if ctx.req.method == "POST" else ctx.req.query
    return {k: v[0] for k, v in source.items()}


def _error_page(title: str, message: str, status: int = 400) -> HttpError:
    return HttpError(
        Response.html(page(title, f"<h1>{esc(title)}</h1><p>{esc(message)}</p>"), status)
    )


def _check_client_and_redirect(
    ctx: Ctx, client_id: str | None, redirect_uri: str | None
) -> dict[str, Any]:
    app = ctx.store.app(client_id)
    if app is None:
        raise _error_page(
            "Invalid app",
            f"The client id {client_id or '(none)'} is not registered in the sandbox.",
        )
    if not redirect_uri:
        raise _error_page("Invalid redirect_uri", "The redirect_uri parameter is required.")
    parts = urlsplit(redirect_uri)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise _error_page(
            "Invalid redirect_uri", "The redirect_uri must be an absolute http(s) URL."
        )
    if app["redirect_uris"] and redirect_uri not in app["redirect_uris"]:
        raise _error_page(
            "Invalid redirect_uri",
            "The redirect_uri does not match the registered value for this application.",
        )
    return app


def _audience_label(network: str, profile: dict[str, Any]) -> str:
    if network == "linkedin":
        return f"{profile.get('followers', 0):,} followers · {profile.get('connections', 0):,} connections"
    if network == "instagram":
        return f"@{profile.get('username', '')} · {profile.get('followers', 0):,} followers"
    pages = ", ".join(
        f"{p['name']} ({p.get('followers', 0):,} followers)" for p in profile.get("pages", [])
    )
    return f"{profile.get('followers', 0):,} followers · pages: {pages or 'none'}"


def _consent_page(
    ctx: Ctx,
    network: str,
    app: dict[str, Any],
    scopes: list[str],
    carried: dict[str, str | None],
    *,
    heading: str | None = None,
) -> Response:
    profiles = ctx.store.profiles(network)
    label = NETWORK_LABELS[network]
    items = []
    for index, profile in enumerate(profiles):
        checked = " checked" if index == 0 else ""
        items.append(
            f'<label class="profile" data-profile-id="{esc(profile["id"])}">'
            f'<input type="radio" name="profile_id" value="{esc(profile["id"])}"{checked}>'
            f'<span><strong>{esc(profile["name"])}</strong> <span class="muted">id {esc(profile["id"])}</span>'
            f'<br><span class="muted">{esc(_audience_label(network, profile))}</span></span></label>'
        )
    default_heading = f"{app['name']} would like to access your {label} account"
    scope_items = "".join(f"<li><code>{esc(s)}</code></li>" for s in scopes) or "<li>(none)</li>"
    body = (
        f"<h1>{esc(heading or default_heading)}</h1>"
        f'<form method="post" action="{esc(ctx.req.path)}">'
        f"{hidden_fields(carried)}"
        f"<fieldset><legend>Continue as</legend>{''.join(items) or '<p>No profiles.</p>'}</fieldset>"
        f'<p>Permissions requested:</p><ul class="scopes">{scope_items}</ul>'
        f'<p class="muted">Redirects to <code>{esc(carried.get("redirect_uri"))}</code></p>'
        '<div class="actions">'
        '<button class="primary" type="submit" name="decision" value="approve">Allow</button>'
        '<button class="secondary" type="submit" name="decision" value="deny">Cancel</button>'
        "</div></form>"
    )
    return Response.html(page(f"{label} authorization", body, brand=label))


def _issue_code(
    ctx: Ctx,
    network: str,
    *,
    prefix: str,
    client_id: str,
    redirect_uri: str,
    scopes: list[str],
    profile_id: str,
    nonce: str | None = None,
) -> str:
    store = ctx.store
    code = store.random_token(prefix, 40)
    now = store.now()
    store.state["codes"][code] = {
        "code": code,
        "network": network,
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "scopes": scopes,
        "profile_id": profile_id,
        "nonce": nonce,
        "created_at": now,
        "expires_at": now + float(store.config["code_ttl_seconds"]),
        "used": False,
    }
    return code


def _redeem_code(
    ctx: Ctx, network: str, code: str | None, client_id: str | None, redirect_uri: str | None
) -> tuple[dict[str, Any] | None, str]:
    """(code record, problem): the record when usable, else None and why."""
    record = ctx.store.state["codes"].get(code or "")
    if record is None or record["network"] != network:
        return None, "missing"
    if record["used"]:
        return None, "used"
    if ctx.store.now() >= record["expires_at"]:
        return None, "expired"
    if record["client_id"] != client_id or record["redirect_uri"] != redirect_uri:
        return None, "mismatch"
    record["used"] = True
    return record, ""


def _chosen_profile(ctx: Ctx, network: str, params: dict[str, str]) -> dict[str, Any]:
    profile = ctx.store.profile(network, params.get("profile_id"))
    if profile is None:
        raise _error_page("Choose a profile", "Pick one of the listed profiles.")
    return profile


# ---- LinkedIn OpenID Connect ----------------------------------------------------------------
def linkedin_discovery(ctx: Ctx) -> Response:
    oauth = ctx.url("/linkedin/oauth")
    return Response.json(
        {
            "issuer": oauth,
            "authorization_endpoint": oauth + "/v2/authorization",
            "token_endpoint": oauth + "/v2/accessToken",
            "userinfo_endpoint": ctx.url("/linkedin/api/v2/userinfo"),
            "jwks_uri": oauth + "/openid/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "profile", "email"],
            "claims_supported": [
                "iss",
                "aud",
                "iat",
                "exp",
                "sub",
                "name",
                "given_name",
                "family_name",
                "picture",
                "email",
                "email_verified",
                "locale",
            ],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "grant_types_supported": ["authorization_code", "refresh_token"],
        }
    )


def linkedin_jwks(ctx: Ctx) -> Response:
    return Response.json(keys.jwks(ctx.store))


def _consent_decision(
    ctx: Ctx,
    network: str,
    app: Any,
    scopes: list[str],
    params: Any,
    *,
    client_id: str,
    redirect_uri: str,
    state: str | None,
    carried_keys: tuple[str, ...],
    denied: dict[str, str],
    code_prefix: str,
    fragment: str | None = None,
    **code_extra: Any,
) -> Response:
    """The tail every authorize endpoint shares: GET shows the consent page; a POST that is
    not an approval redirects with the network's own denial parameters; an approval issues
    a single-use code for the chosen profile. Only the wire details differ per network."""
    if ctx.req.method == "GET":
        carried = {k: params.get(k) for k in carried_keys}
        return _consent_page(ctx, network, app, scopes, carried)
    if params.get("decision") != "approve":
        return Response.redirect(
            add_query(redirect_uri, {**denied, "state": state}, fragment=fragment)
        )
    profile = _chosen_profile(ctx, network, params)
    code = _issue_code(
        ctx,
        network,
        prefix=code_prefix,
        client_id=client_id,
        redirect_uri=redirect_uri,
        scopes=scopes,
        profile_id=profile["id"],
        **code_extra,
    )
    return Response.redirect(
        add_query(redirect_uri, {"code": code, "state": state}, fragment=fragment)
    )


def linkedin_authorize(ctx: Ctx) -> Response:
    params = _auth_params(ctx)
    client_id, redirect_uri, state = (
        params.get("client_id"),
        params.get("redirect_uri"),
        params.get("state"),
    )
    app = _check_client_and_redirect(ctx, client_id, redirect_uri)
    assert redirect_uri and client_id
    if params.get("response_type") != "code":
        return Response.redirect(
            add_query(
                redirect_uri,
                {
                    "error": "invalid_request",
                    "error_description": "response_type must be code",
                    "state": state,
                },
            )
        )
    scopes = [s for s in params.get("scope", "").replace(",", " ").split() if s]
    unknown = [s for s in scopes if s not in LINKEDIN_SCOPES]
    if unknown:
        return Response.redirect(
            add_query(
                redirect_uri,
                {
                    "error": "unauthorized_scope_error",
                    "error_description": f'Scope "{unknown[0]}" is not authorized for your application',
                    "state": state,
                },
            )
        )
    return _consent_decision(
        ctx,
        "linkedin",
        app,
        scopes,
        params,
        client_id=client_id,
        redirect_uri=redirect_uri,
        state=state,
        carried_keys=("response_type", "client_id", "redirect_uri", "state", "scope", "nonce"),
        denied={
            "error": "access_denied",
            "error_description": "The member refused to authorize the application",
        },
        code_prefix="AQT",
        nonce=params.get("nonce") or None,
    )


def _linkedin_client(ctx: Ctx) -> tuple[str | None, str | None]:
    basic = ctx.req.basic_auth()
    if basic:
        return basic
    return ctx.req.form_value("client_id"), ctx.req.form_value("client_secret")


def linkedin_access_token(ctx: Ctx) -> Response:
    store = ctx.store
    client_id, client_secret = _linkedin_client(ctx)
    grant_type = ctx.req.form_value("grant_type")
    if grant_type not in ("authorization_code", "refresh_token"):
        return linkedin_oauth_error(
            "unsupported_grant_type",
            "A grant_type of authorization_code or refresh_token is required",
        )
    if not client_id or not client_secret:
        return linkedin_oauth_error(
            "invalid_request", 'A required parameter "client_id" or "client_secret" is missing'
        )
    if not store.check_client(client_id, client_secret):
        return linkedin_oauth_error("invalid_client", "Client authentication failed", status=401)
    app = store.app(client_id)
    assert app is not None
    if grant_type == "refresh_token":
        return _linkedin_refresh(ctx, app)
    record, _problem = _redeem_code(
        ctx, "linkedin", ctx.req.form_value("code"), client_id, ctx.req.form_value("redirect_uri")
    )
    if record is None:
        return linkedin_oauth_error("invalid_request", LINKEDIN_CODE_ERROR)
    profile = store.profile("linkedin", record["profile_id"])
    if profile is None:
        return linkedin_oauth_error("invalid_request", LINKEDIN_CODE_ERROR)
    body = _linkedin_token_body(ctx, app, profile, record["scopes"], nonce=record.get("nonce"))
    if app.get("linkedin_refresh_tokens"):
        refresh = store.issue_token(
            network="linkedin",
            kind="refresh",
            prefix="AQX",
            client_id=client_id,
            subject=profile["id"],
            scopes=record["scopes"],
            ttl=float(store.config["linkedin_refresh_token_ttl_seconds"]),
        )
        body["refresh_token"] = refresh["token"]
        body["refresh_token_expires_in"] = round(refresh["expires_at"] - store.now())
    return Response.json(body)


def _linkedin_token_body(
    ctx: Ctx,
    app: dict[str, Any],
    profile: dict[str, Any],
    scopes: list[str],
    *,
    nonce: str | None = None,
) -> dict[str, Any]:
    store = ctx.store
    ttl = float(store.config["linkedin_token_ttl_seconds"])
    token = store.issue_token(
        network="linkedin",
        kind="access",
        prefix="AQV",
        client_id=app["client_id"],
        subject=profile["id"],
        scopes=scopes,
        ttl=ttl,
    )
    body: dict[str, Any] = {
        "access_token": token["token"],
        "expires_in": int(ttl),
        "scope": ",".join(scopes),
        "token_type": "Bearer",
    }
    if "openid" in scopes:
        now = int(store.now())
        claims: dict[str, Any] = {
            "iss": ctx.url("/linkedin/oauth"),
            "aud": app["client_id"],
            "iat": now,
            "exp": now + int(store.config["id_token_ttl_seconds"]),
            "sub": profile["id"],
        }
        if "profile" in scopes:
            claims.update(
                name=profile["name"],
                given_name=profile.get("given_name", ""),
                family_name=profile.get("family_name", ""),
                picture=ctx.url(f"/_sandbox/avatar/{profile['id']}.svg"),
                locale="en_US",
            )
        if "email" in scopes:
            claims.update(email=profile.get("email"), email_verified=True)
        if nonce:
            claims["nonce"] = nonce
        body["id_token"] = keys.sign_jwt(store, claims)
    return body


def _linkedin_refresh(ctx: Ctx, app: dict[str, Any]) -> Response:
    store = ctx.store
    if not app.get("linkedin_refresh_tokens"):
        return linkedin_oauth_error(
            "invalid_request", "Refresh tokens are not enabled for this application"
        )
    refresh = store.token(ctx.req.form_value("refresh_token"))
    if (
        refresh is None
        or refresh["kind"] != "refresh"
        or refresh["client_id"] != app["client_id"]
        or store.token_status(refresh) != "valid"
    ):
        return linkedin_oauth_error(
            "invalid_request",
            "The provided authorization grant or refresh token is invalid, expired or revoked.",
        )
    profile = store.profile("linkedin", refresh["subject"])
    if profile is None:
        return linkedin_oauth_error("invalid_request", "The member no longer exists")
    body = _linkedin_token_body(ctx, app, profile, refresh["scopes"])
    body["refresh_token"] = refresh["token"]
    body["refresh_token_expires_in"] = round(refresh["expires_at"] - store.now())
    return Response.json(body)


# ---- Instagram Login -----------------------------------------------------------------------
def _split_scopes(raw: str | None) -> list[str]:
    return [s for s in (raw or "").replace(" ", ",").split(",") if s]


def instagram_authorize(ctx: Ctx) -> Response:
    params = _auth_params(ctx)
    client_id, redirect_uri, state = (
        params.get("client_id"),
        params.get("redirect_uri"),
        params.get("state"),
    )
    app = _check_client_and_redirect(ctx, client_id, redirect_uri)
    assert redirect_uri and client_id
    scopes = _split_scopes(params.get("scope"))
    unknown = [s for s in scopes if s not in INSTAGRAM_SCOPES]
    if unknown:
        raise _error_page("Invalid scopes", f"Invalid Scopes: {', '.join(unknown)}")
    if params.get("response_type", "code") != "code":
        raise _error_page("Invalid request", "response_type must be code")
    return _consent_decision(
        ctx,
        "instagram",
        app,
        scopes,
        params,
        client_id=client_id,
        redirect_uri=redirect_uri,
        state=state,
        carried_keys=("response_type", "client_id", "redirect_uri", "state", "scope"),
        denied={
            "error": "access_denied",
            "error_reason": "user_denied",
            "error_description": "The user denied your request.",
        },
        code_prefix="AQB",
        fragment="_",
    )


def instagram_access_token(ctx: Ctx) -> Response:
    store = ctx.store
    form = {k: v[0] for k, v in ctx.req.form.items()}
    client_id = form.get("client_id")
    if form.get("grant_type") != "authorization_code":
        return instagram_oauth_error(
            "Invalid grant_type: only authorization_code is supported here"
        )
    if not store.check_client(client_id, form.get("client_secret")):
        return instagram_oauth_error("Invalid client_secret: the client id or secret is wrong")
    record, problem = _redeem_code(
        ctx, "instagram", form.get("code"), client_id, form.get("redirect_uri")
    )
    if record is None:
        message = {
            "mismatch": "Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request",
            "expired": "This authorization code has expired.",
        }.get(problem, "Matching code was not found or was already used.")
        return instagram_oauth_error(message)
    token = store.issue_token(
        network="instagram",
        kind="short",
        prefix="IGAA",
        client_id=client_id or "",
        subject=record["profile_id"],
        scopes=record["scopes"],
        ttl=float(store.config["instagram_short_token_ttl_seconds"]),
    )
    return Response.json(
        {
            "access_token": token["token"],
            "user_id": int(record["profile_id"]),
            "permissions": record["scopes"],
        }
    )


def _graph_token_error(status: str) -> Response:
    if status == "expired":
        return graph_error("Error validating access token: Session has expired.", 190, subcode=463)
    if status == "revoked":
        return graph_error(
            "Error validating access token: The user has not authorized application.",
            190,
            subcode=458,
        )
    return graph_error("Invalid OAuth access token - Cannot parse access token", 190)


def instagram_exchange_token(ctx: Ctx, ver: str | None = None) -> Response:
    store = ctx.store
    params = ctx.req.params()
    if params.get("grant_type") != "ig_exchange_token":
        return graph_error("Unsupported grant_type: use ig_exchange_token", 100)
    token = store.token(params.get("access_token"))
    status = store.token_status(token)
    if token is None or token["network"] != "instagram" or status != "valid":
        return _graph_token_error(status if token else "missing")
    if token["kind"] != "short":
        return graph_error(
            "The access token cannot be exchanged: it is not a short-lived Instagram User access token",
            100,
        )
    if not store.check_client(token["client_id"], params.get("client_secret")):
        return graph_error(
            "Error validating client secret.", 1, error_type="OAuthException", status=400
        )
    ttl = float(store.config["instagram_long_token_ttl_seconds"])
    long_token = store.issue_token(
        network="instagram",
        kind="long",
        prefix="IGAAL",
        client_id=token["client_id"],
        subject=token["subject"],
        scopes=token["scopes"],
        ttl=ttl,
    )
    return Response.json(
        {"access_token": long_token["token"], "token_type": "bearer", "expires_in": int(ttl)}
    )


def instagram_refresh_token(ctx: Ctx, ver: str | None = None) -> Response:
    store = ctx.store
    params = ctx.req.params()
    if params.get("grant_type") != "ig_refresh_token":
        return graph_error("Unsupported grant_type: use ig_refresh_token", 100)
    token = store.token(params.get("access_token"))
    status = store.token_status(token)
    if token is None or token["network"] != "instagram" or status != "valid":
        return _graph_token_error(status if token else "missing")
    if token["kind"] != "long":
        return graph_error("Only long-lived Instagram User access tokens can be refreshed", 100)
    age = store.now() - token["created_at"]
    if age < float(store.config["instagram_refresh_min_age_seconds"]):
        return graph_error(
            "The access token is too recent to be refreshed: long-lived tokens can be refreshed once they are at least 24 hours old.",
            100,
        )
    ttl = float(store.config["instagram_long_token_ttl_seconds"])
    fresh = store.issue_token(
        network="instagram",
        kind="long",
        prefix="IGAAL",
        client_id=token["client_id"],
        subject=token["subject"],
        scopes=token["scopes"],
        ttl=ttl,
        refreshed_from=token["token"],
    )
    return Response.json(
        {"access_token": fresh["token"], "token_type": "bearer", "expires_in": int(ttl)}
    )


# ---- Facebook Login (pages) -----------------------------------------------------------------
def facebook_authorize(ctx: Ctx, ver: str | None = None) -> Response:
    params = _auth_params(ctx)
    client_id, redirect_uri, state = (
        params.get("client_id"),
        params.get("redirect_uri"),
        params.get("state"),
    )
    app = _check_client_and_redirect(ctx, client_id, redirect_uri)
    assert redirect_uri and client_id
    scopes = _split_scopes(params.get("scope"))
    unknown = [s for s in scopes if s not in FACEBOOK_SCOPES]
    if unknown:
        raise _error_page(
            "Invalid Scopes",
            f"Invalid Scopes: {', '.join(unknown)}. This message is only shown to developers.",
        )
    return _consent_decision(
        ctx,
        "facebook",
        app,
        scopes,
        params,
        client_id=client_id,
        redirect_uri=redirect_uri,
        state=state,
        carried_keys=("response_type", "client_id", "redirect_uri", "state", "scope"),
        denied={
            "error": "access_denied",
            "error_code": "200",
            "error_description": "Permissions error",
            "error_reason": "user_denied",
        },
        code_prefix="AQD",
        fragment="_=_",
    )


def facebook_access_token(ctx: Ctx, ver: str | None = None) -> Response:
    store = ctx.store
    params = ctx.req.params()
    client_id = params.get("client_id")
    grant_type = params.get("grant_type")
    if not store.check_client(client_id, params.get("client_secret")):
        return graph_error("Error validating client secret.", 1, status=400)
    assert client_id is not None
    if grant_type == "client_credentials":
        return Response.json(
            {"access_token": f"{client_id}|{params.get('client_secret')}", "token_type": "bearer"}
        )
    if grant_type == "fb_exchange_token":
        token = store.token(params.get("fb_exchange_token"))
        status = store.token_status(token)
        if (
            token is None
            or token["network"] != "facebook"
            or token["kind"] not in ("short", "long")
            or status != "valid"
        ):
            return _graph_token_error(status if token else "missing")
        ttl = float(store.config["facebook_long_token_ttl_seconds"])
        long_token = store.issue_token(
            network="facebook",
            kind="long",
            prefix="EAAL",
            client_id=client_id,
            subject=token["subject"],
            scopes=token["scopes"],
            ttl=ttl,
        )
        return Response.json(
            {"access_token": long_token["token"], "token_type": "bearer", "expires_in": int(ttl)}
        )
    record, problem = _redeem_code(
        ctx, "facebook", params.get("code"), client_id, params.get("redirect_uri")
    )
    if record is None:
        if problem == "used":
            return graph_error("This authorization code has been used.", 100, subcode=36009)
        if problem == "expired":
            return graph_error("This authorization code has expired.", 100, subcode=36007)
        if problem == "mismatch":
            return graph_error(
                "Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request",
                100,
                subcode=36008,
            )
        return graph_error("Invalid verification code format.", 100)
    ttl = float(store.config["facebook_short_token_ttl_seconds"])
    token = store.issue_token(
        network="facebook",
        kind="short",
        prefix="EAAS",
        client_id=client_id,
        subject=record["profile_id"],
        scopes=record["scopes"],
        ttl=ttl,
    )
    return Response.json(
        {"access_token": token["token"], "token_type": "bearer", "expires_in": int(ttl)}
    )
