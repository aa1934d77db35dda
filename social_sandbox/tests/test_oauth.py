"""OAuth flows end to end: consent pages, codes, tokens, userinfo, long-lived exchanges, refresh."""

from __future__ import annotations

import jwt
import pytest

from social_sandbox.tests.conftest import CLIENT_ID, CLIENT_SECRET, REDIRECT

LI_AUTH = "/linkedin/oauth/v2/authorization"
LI_TOKEN = "/linkedin/oauth/v2/accessToken"


def li_params(**extra: str) -> dict[str, str]:
    return {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": REDIRECT,
        "state": "st4te",
        "scope": "openid profile email w_member_social",
        **extra,
    }


def test_linkedin_discovery_points_back_into_the_sandbox(sandbox):
    doc = sandbox.get("/linkedin/oauth/.well-known/openid-configuration").json()
    assert doc["issuer"] == sandbox.url("/linkedin/oauth")
    assert doc["authorization_endpoint"] == sandbox.url("/linkedin/oauth/v2/authorization")
    assert doc["token_endpoint"] == sandbox.url("/linkedin/oauth/v2/accessToken")
    assert doc["userinfo_endpoint"] == sandbox.url("/linkedin/api/v2/userinfo")
    jwks = sandbox.get(doc["jwks_uri"].removeprefix(sandbox.base)).json()
    assert jwks["keys"][0]["kty"] == "RSA" and jwks["keys"][0]["alg"] == "RS256"


def test_linkedin_consent_page_lists_profiles_with_audience(sandbox):
    page = sandbox.get(LI_AUTH, params=li_params())
    assert page.status_code == 200
    for name in ("Ada Lovelace", "Grace Hopper", "Alan Turing"):
        assert name in page.text
    assert "8,500 followers" in page.text and "2,100 connections" in page.text
    assert 'value="approve"' in page.text and 'value="deny"' in page.text
    assert "w_member_social" in page.text


def test_linkedin_code_flow_id_token_and_userinfo(sandbox):
    query = sandbox.consent(LI_AUTH, li_params(nonce="n0nce"), profile_id="sbxGrace2")
    assert query["state"] == ["st4te"]
    code = query["code"][0]
    token_form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
    }
    answer = sandbox.post(LI_TOKEN, data=token_form)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 60 * 86400
    assert set(body["scope"].split(",")) == {"openid", "profile", "email", "w_member_social"}

    doc = sandbox.get("/linkedin/oauth/.well-known/openid-configuration").json()
    jwk = sandbox.get("/linkedin/oauth/openid/jwks").json()["keys"][0]
    header = jwt.get_unverified_header(body["id_token"])
    assert header["alg"] == "RS256" and header["kid"] == jwk["kid"]
    claims = jwt.decode(
        body["id_token"],
        key=jwt.PyJWK(jwk),
        algorithms=["RS256"],
        audience=CLIENT_ID,
        issuer=doc["issuer"],
    )
    assert claims["sub"] == "sbxGrace2"
    assert claims["email"] == "grace.hopper@example.com"
    assert claims["nonce"] == "n0nce"

    info = sandbox.get(
        "/linkedin/api/v2/userinfo", headers={"Authorization": f"Bearer {body['access_token']}"}
    )
    assert info.status_code == 200
    assert info.json()["sub"] == "sbxGrace2"
    assert info.json()["name"] == "Grace Hopper"
    assert info.json()["email_verified"] is True

    # Codes are single-use.
    again = sandbox.post(LI_TOKEN, data=token_form)
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_request"


def test_linkedin_token_endpoint_accepts_basic_auth_and_rejects_bad_secret(sandbox):
    query = sandbox.consent(LI_AUTH, li_params())
    bad = sandbox.post(
        LI_TOKEN,
        data={
            "grant_type": "authorization_code",
            "code": query["code"][0],
            "redirect_uri": REDIRECT,
        },
        auth=(CLIENT_ID, "wrong"),
    )
    assert bad.status_code == 401
    assert bad.json()["error"] == "invalid_client"
    good = sandbox.post(
        LI_TOKEN,
        data={
            "grant_type": "authorization_code",
            "code": query["code"][0],
            "redirect_uri": REDIRECT,
        },
        auth=(CLIENT_ID, CLIENT_SECRET),
    )
    assert good.status_code == 200


def test_linkedin_code_expires_and_must_match_redirect_uri(sandbox):
    first = sandbox.consent(LI_AUTH, li_params())["code"][0]
    mismatch = sandbox.post(
        LI_TOKEN,
        data={
            "grant_type": "authorization_code",
            "code": first,
            "redirect_uri": "http://elsewhere.test/cb",
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
        },
    )
    assert mismatch.status_code == 400
    second = sandbox.consent(LI_AUTH, li_params())["code"][0]
    sandbox.clock(advance_seconds=601)
    expired = sandbox.post(
        LI_TOKEN,
        data={
            "grant_type": "authorization_code",
            "code": second,
            "redirect_uri": REDIRECT,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
        },
    )
    assert expired.status_code == 400


def test_linkedin_deny_unknown_client_and_unknown_scope(sandbox):
    denied = sandbox.consent(LI_AUTH, li_params(), decision="deny")
    assert denied["error"] == ["access_denied"]
    assert denied["state"] == ["st4te"]
    assert "code" not in denied

    unknown_client = sandbox.get(LI_AUTH, params=li_params(client_id="nope"))
    assert unknown_client.status_code == 400
    assert "not registered" in unknown_client.text

    bad_scope = sandbox.get(
        LI_AUTH, params=li_params(scope="openid r_fullprofile"), allow_redirects=False
    )
    assert bad_scope.status_code == 302
    assert "error=unauthorized_scope_error" in bad_scope.headers["Location"]
    assert "state=st4te" in bad_scope.headers["Location"]


def test_linkedin_refresh_tokens_for_partner_apps_only(sandbox):
    assert (
        sandbox.post(
            "/_sandbox/apps",
            json={
                "client_id": "partner",
                "client_secret": "partner-secret",
                "linkedin_refresh_tokens": True,
                "redirect_uris": [REDIRECT],
            },
        ).status_code
        == 201
    )
    query = sandbox.consent(LI_AUTH, li_params(client_id="partner"))
    first = sandbox.post(
        LI_TOKEN,
        data={
            "grant_type": "authorization_code",
            "code": query["code"][0],
            "redirect_uri": REDIRECT,
            "client_id": "partner",
            "client_secret": "partner-secret",
        },
    ).json()
    assert first["refresh_token_expires_in"] == 365 * 86400
    sandbox.clock(advance_seconds=10 * 86400)
    refreshed = sandbox.post(
        LI_TOKEN,
        data={
            "grant_type": "refresh_token",
            "refresh_token": first["refresh_token"],
            "client_id": "partner",
            "client_secret": "partner-secret",
        },
    )
    assert refreshed.status_code == 200, refreshed.text
    body = refreshed.json()
    assert body["access_token"] != first["access_token"]
    assert body["refresh_token_expires_in"] == 355 * 86400  # not extended by refreshing

    query = sandbox.consent(LI_AUTH, li_params())
    demo = sandbox.post(
        LI_TOKEN,
        data={
            "grant_type": "authorization_code",
            "code": query["code"][0],
            "redirect_uri": REDIRECT,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
        },
    ).json()
    assert "refresh_token" not in demo

    # A registered redirect_uri list is enforced.
    wrong = sandbox.get(
        LI_AUTH, params=li_params(client_id="partner", redirect_uri="http://other.test/cb")
    )
    assert wrong.status_code == 400


# ---- Instagram --------------------------------------------------------------------------------
IG_AUTH = "/instagram/www/oauth/authorize"
IG_SCOPES = "instagram_business_basic,instagram_business_content_publish"


def ig_params(**extra: str) -> dict[str, str]:
    return {
        "client_id": CLIENT_ID,
        "redirect_uri": REDIRECT,
        "response_type": "code",
        "scope": IG_SCOPES,
        "state": "ig-state",
        **extra,
    }


def test_instagram_login_short_and_long_lived_tokens(sandbox):
    page = sandbox.get(IG_AUTH, params=ig_params())
    assert "@grace.ships" in page.text and "52,000 followers" in page.text
    query = sandbox.consent(IG_AUTH, ig_params(), profile_id="17841400000000012")
    assert query["state"] == ["ig-state"]
    assert query["_fragment"] == ["_"]
    short = sandbox.post(
        "/instagram/oauth/oauth/access_token",
        data={
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "grant_type": "authorization_code",
            "redirect_uri": REDIRECT,
            "code": query["code"][0],
        },
    )
    assert short.status_code == 200, short.text
    body = short.json()
    assert body["user_id"] == 17841400000000012
    assert body["permissions"] == IG_SCOPES.split(",")
    token = sandbox.get(f"/_sandbox/tokens/{body['access_token']}").json()
    assert token["expires_at"] - token["created_at"] == 3600

    reused = sandbox.post(
        "/instagram/oauth/oauth/access_token",
        data={
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "grant_type": "authorization_code",
            "redirect_uri": REDIRECT,
            "code": query["code"][0],
        },
    )
    assert reused.status_code == 400
    assert reused.json()["error_type"] == "OAuthException"

    wrong_secret = sandbox.get(
        "/instagram/graph/access_token",
        params={
            "grant_type": "ig_exchange_token",
            "client_secret": "nope",
            "access_token": body["access_token"],
        },
    )
    assert wrong_secret.status_code == 400
    long = sandbox.get(
        "/instagram/graph/access_token",
        params={
            "grant_type": "ig_exchange_token",
            "client_secret": CLIENT_SECRET,
            "access_token": body["access_token"],
        },
    )
    assert long.status_code == 200
    assert long.json()["token_type"] == "bearer"
    assert long.json()["expires_in"] == 60 * 86400

    me = sandbox.get(
        "/instagram/graph/v23.0/me",
        params={
            "fields": "user_id,username,followers_count",
            "access_token": long.json()["access_token"],
        },
    )
    assert me.json() == {
        "id": "17841400000000012",
        "user_id": "17841400000000012",
        "username": "grace.ships",
        "followers_count": 52000,
    }


def test_instagram_refresh_only_after_24_hours_and_before_expiry(sandbox):
    short = sandbox.instagram_token(long_lived=False)
    not_long = sandbox.get(
        "/instagram/graph/refresh_access_token",
        params={"grant_type": "ig_refresh_token", "access_token": short},
    )
    assert not_long.status_code == 400
    long = sandbox.instagram_token()
    too_young = sandbox.get(
        "/instagram/graph/refresh_access_token",
        params={"grant_type": "ig_refresh_token", "access_token": long},
    )
    assert too_young.status_code == 400
    assert too_young.json()["error"]["code"] == 100
    sandbox.clock(advance_seconds=24 * 3600 + 5)
    refreshed = sandbox.get(
        "/instagram/graph/refresh_access_token",
        params={"grant_type": "ig_refresh_token", "access_token": long},
    )
    assert refreshed.status_code == 200, refreshed.text
    fresh = refreshed.json()["access_token"]
    assert refreshed.json()["expires_in"] == 60 * 86400
    sandbox.clock(advance_seconds=61 * 86400)
    expired = sandbox.get(
        "/instagram/graph/refresh_access_token",
        params={"grant_type": "ig_refresh_token", "access_token": fresh},
    )
    assert expired.status_code == 400
    assert expired.json()["error"]["code"] == 190
    assert expired.json()["error"]["error_subcode"] == 463


def test_instagram_deny_and_invalid_scope(sandbox):
    denied = sandbox.consent(IG_AUTH, ig_params(), decision="deny")
    assert denied["error"] == ["access_denied"] and denied["state"] == ["ig-state"]
    bad = sandbox.get(IG_AUTH, params=ig_params(scope="instagram_basic"))
    assert bad.status_code == 400 and "Invalid Scopes" in bad.text


# ---- Facebook ---------------------------------------------------------------------------------
FB_DIALOG = "/facebook/www/v23.0/dialog/oauth"


def test_facebook_login_exchange_and_page_tokens(sandbox):
    params = {
        "client_id": CLIENT_ID,
        "redirect_uri": REDIRECT,
        "state": "fb-state",
        "scope": "pages_show_list,pages_manage_posts",
        "response_type": "code",
    }
    page = sandbox.get(FB_DIALOG, params=params)
    assert "Acme Corporation" in page.text
    query = sandbox.consent(FB_DIALOG, params, profile_id="10000000000000022")
    assert query["state"] == ["fb-state"] and query["_fragment"] == ["_=_"]
    token_params = {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "redirect_uri": REDIRECT,
        "code": query["code"][0],
    }
    short = sandbox.get("/graph/v23.0/oauth/access_token", params=token_params)
    assert short.status_code == 200
    assert short.json()["token_type"] == "bearer"
    used = sandbox.get("/graph/v23.0/oauth/access_token", params=token_params)
    assert used.json()["error"]["error_subcode"] == 36009

    long = sandbox.get(
        "/graph/v23.0/oauth/access_token",
        params={
            "grant_type": "fb_exchange_token",
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "fb_exchange_token": short.json()["access_token"],
        },
    ).json()
    assert long["expires_in"] == 60 * 86400
    me = sandbox.get("/graph/v23.0/me", params={"access_token": long["access_token"]}).json()
    assert me == {"id": "10000000000000022", "name": "Grace Hopper"}

    accounts = sandbox.get(
        "/graph/v23.0/me/accounts",
        params={"fields": "id,name,access_token,tasks", "access_token": long["access_token"]},
    ).json()
    assert [p["id"] for p in accounts["data"]] == ["100000000000102", "100000000000103"]
    assert all(p["access_token"] and "CREATE_CONTENT" in p["tasks"] for p in accounts["data"])
    page_token = sandbox.get(f"/_sandbox/tokens/{accounts['data'][0]['access_token']}").json()
    assert (
        page_token["kind"] == "page" and page_token["expires_at"] is None
    )  # from a long-lived user token

    debug = sandbox.get(
        "/graph/v23.0/debug_token",
        params={
            "input_token": long["access_token"],
            "access_token": f"{CLIENT_ID}|{CLIENT_SECRET}",
        },
    ).json()["data"]
    assert debug["is_valid"] is True and debug["user_id"] == "10000000000000022"


def test_facebook_deny(sandbox):
    params = {
        "client_id": CLIENT_ID,
        "redirect_uri": REDIRECT,
        "state": "x",
        "scope": "pages_show_list",
    }
    denied = sandbox.consent(FB_DIALOG, params, decision="deny")
    assert denied["error"] == ["access_denied"] and denied["error_reason"] == ["user_denied"]


@pytest.mark.parametrize(
    "path", ["/linkedin/oauth/v2/authorization", "/instagram/www/oauth/authorize", FB_DIALOG]
)
def test_authorize_pages_require_a_registered_client(sandbox, path):
    answer = sandbox.get(
        path, params={"client_id": "unknown", "redirect_uri": REDIRECT, "response_type": "code"}
    )
    assert answer.status_code == 400
