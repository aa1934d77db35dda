"""The LinkedIn id_token passes django-allauth's own OpenID Connect checks.

allauth 65's openid_connect provider fetches ``server_url`` + ``/.well-known/openid-configuration``,
posts to ``token_endpoint``, GETs ``userinfo_endpoint`` with the bearer token, and verifies the
id_token with ``allauth.socialaccount.internal.jwtkit.verify_and_decode`` against the discovery's
``jwks_uri`` (RS256 key looked up by ``kid``), ``issuer`` and the client id as audience. This uses
allauth's code as is (it needs Django settings, which pytest-django provides; no database).
"""

from __future__ import annotations

from allauth.socialaccount.internal import jwtkit

from social_sandbox.tests.conftest import CLIENT_ID


def test_allauth_verifies_the_sandbox_id_token(sandbox):
    config = sandbox.get("/linkedin/oauth/.well-known/openid-configuration").json()
    assert "client_secret_post" in config["token_endpoint_auth_methods_supported"]
    body = sandbox.linkedin_token(scopes="openid profile email", profile_id="sbxAlan03")
    claims = jwtkit.verify_and_decode(
        credential=body["id_token"],
        keys_url=config["jwks_uri"],
        issuer=config["issuer"],
        audience=[CLIENT_ID],
        lookup_kid=jwtkit.lookup_kid_jwk,
        verify_signature=True,
    )
    assert claims["sub"] == "sbxAlan03"
    assert claims["email"] == "alan.turing@example.com"
    userinfo = sandbox.http.get(
        config["userinfo_endpoint"],
        headers={"Authorization": f"Bearer {body['access_token']}"},
        timeout=5,
    ).json()
    assert userinfo["sub"] == claims["sub"]
