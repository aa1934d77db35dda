"""The index page, base URL mapping, admin API, request log and state persistence."""

from __future__ import annotations

from social_sandbox import bases
from social_sandbox.server import start_in_thread
from social_sandbox.tests.conftest import Sandbox
from social_sandbox.tests.test_linkedin import post_body


def test_bases_cover_every_configured_network_base():
    mapping = bases("http://127.0.0.1:8001/")
    assert mapping == {
        "LINKEDIN_API_BASE": "http://127.0.0.1:8001/linkedin/api",
        "LINKEDIN_OAUTH_BASE": "http://127.0.0.1:8001/linkedin/oauth",
        "LINKEDIN_WWW_BASE": "http://127.0.0.1:8001/linkedin/www",
        "META_GRAPH_BASE": "http://127.0.0.1:8001/graph",
        "INSTAGRAM_GRAPH_BASE": "http://127.0.0.1:8001/instagram/graph",
        "INSTAGRAM_OAUTH_BASE": "http://127.0.0.1:8001/instagram/oauth",
        "INSTAGRAM_WWW_BASE": "http://127.0.0.1:8001/instagram/www",
        "FACEBOOK_WWW_BASE": "http://127.0.0.1:8001/facebook/www",
    }


def test_production_paths_map_onto_the_sandbox(sandbox):
    mapping = bases(sandbox.base)
    token = sandbox.linkedin_token()["access_token"]
    # {LINKEDIN_API_BASE}/rest/posts and {LINKEDIN_OAUTH_BASE}/.well-known/... answer where expected.
    assert (
        sandbox.http.get(
            mapping["LINKEDIN_API_BASE"] + "/v2/userinfo",
            headers={"Authorization": f"Bearer {token}"},
            timeout=5,
        ).status_code
        == 200
    )
    assert (
        sandbox.http.get(
            mapping["LINKEDIN_OAUTH_BASE"] + "/.well-known/openid-configuration", timeout=5
        ).status_code
        == 200
    )
    assert sandbox.get("/_sandbox/bases").json() == mapping


def test_index_page_lists_bases_endpoints_and_profiles(sandbox):
    page = sandbox.get("/")
    assert page.status_code == 200
    for text in (
        "LINKEDIN_API_BASE",
        "/linkedin/api",
        "FACEBOOK_WWW_BASE",
        "/_sandbox/faults",
        "Grace Hopper",
        "chorus-sandbox-client",
    ):
        assert text in page.text


def test_added_profiles_appear_on_consent_pages(sandbox):
    added = sandbox.post(
        "/_sandbox/profiles",
        json={"network": "linkedin", "name": "Katherine Johnson", "followers": 99000},
    )
    assert added.status_code == 201
    profile = added.json()
    assert profile["given_name"] == "Katherine"
    page = sandbox.get(
        "/linkedin/oauth/v2/authorization",
        params={
            "response_type": "code",
            "client_id": "chorus-sandbox-client",
            "redirect_uri": "http://chorus.test/cb",
            "scope": "openid",
        },
    )
    assert "Katherine Johnson" in page.text and "99,000 followers" in page.text
    token = sandbox.linkedin_token(scopes="openid profile", profile_id=profile["id"])[
        "access_token"
    ]
    me = sandbox.get(
        "/linkedin/api/v2/userinfo", headers={"Authorization": f"Bearer {token}"}
    ).json()
    assert me["sub"] == profile["id"]

    fb = sandbox.post(
        "/_sandbox/profiles",
        json={
            "network": "facebook",
            "name": "Page Owner",
            "pages": [{"name": "New Page", "followers": 10}],
        },
    )
    assert fb.status_code == 201 and fb.json()["pages"][0]["id"]
    assert (
        sandbox.post("/_sandbox/profiles", json={"network": "myspace", "name": "x"}).status_code
        == 400
    )
    assert (
        sandbox.post(
            "/_sandbox/profiles", json={"network": "instagram", "name": "x", "id": "abc"}
        ).status_code
        == 400
    )


def test_config_validation(sandbox):
    assert sandbox.post("/_sandbox/config", json={"nonsense": 1}).status_code == 400
    assert (
        sandbox.post("/_sandbox/config", json={"instagram_quota_total": "many"}).status_code == 400
    )
    assert sandbox.config(instagram_quota_total=5)["instagram_quota_total"] == 5


def test_request_log_keeps_the_last_requests(sandbox):
    sandbox.config(request_log_size=3)
    for _ in range(5):
        sandbox.get("/linkedin/api/v2/userinfo", headers={"Authorization": "Bearer nope"})
    log = sandbox.get("/_sandbox/requests").json()["requests"]
    assert len(log) == 3
    assert log[-1]["path"] == "/linkedin/api/v2/userinfo"
    assert log[-1]["status"] == 401
    assert log[-1]["request_headers"]["authorization"].endswith("…")
    assert "INVALID_ACCESS_TOKEN" in log[-1]["response_body"]
    assert sandbox.request("DELETE", "/_sandbox/requests").status_code == 204
    assert sandbox.get("/_sandbox/requests").json()["requests"] == []


def test_unknown_paths_answer_in_each_networks_shape(sandbox):
    graph = sandbox.get("/graph/v23.0/me/nothing/here")
    assert graph.status_code == 400 and graph.json()["error"]["code"] == 2500
    linkedin = sandbox.get("/linkedin/api/rest/nothing")
    assert linkedin.status_code == 404 and linkedin.json()["status"] == 404
    assert sandbox.request("PATCH", "/linkedin/api/rest/posts").status_code == 405


def test_state_file_survives_a_restart(tmp_path):
    state_file = str(tmp_path / "sandbox.json")
    base, stop = start_in_thread(state_file=state_file)
    box = Sandbox(base)
    try:
        token = box.linkedin_token()["access_token"]
        urn = box.post(
            "/linkedin/api/rest/posts", json=post_body(), headers=box.li_headers(token)
        ).headers["x-restli-id"]
        kid = box.get("/linkedin/oauth/openid/jwks").json()["keys"][0]["kid"]
    finally:
        stop()
    base, stop = start_in_thread(state_file=state_file)
    box = Sandbox(base)
    try:
        assert urn in box.state()["linkedin"]["posts"]
        assert (
            box.get(
                "/linkedin/api/v2/userinfo", headers={"Authorization": f"Bearer {token}"}
            ).status_code
            == 200
        )
        assert box.get("/linkedin/oauth/openid/jwks").json()["keys"][0]["kid"] == kid
    finally:
        stop()
