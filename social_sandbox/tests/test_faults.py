"""Fault injection through /_sandbox/faults, in every network's own error shape."""

from __future__ import annotations

import json
import time

import pytest
import requests

from social_sandbox.tests.test_linkedin import AUTHOR, post_body

IG_ID = "17841400000000011"
PAGE = "100000000000102"

PARTNER_SCOPES = "openid profile email w_member_social r_member_social"


@pytest.fixture
def li(sandbox):
    # An approved partner's token: it may also list the member's posts (r_member_social).
    token = sandbox.linkedin_token(scopes=PARTNER_SCOPES)["access_token"]
    return sandbox, sandbox.li_headers(token)


def li_post(sandbox, headers, text="Fault tolerance", **kwargs):
    return sandbox.post("/linkedin/api/rest/posts", json=post_body(text), headers=headers, **kwargs)


def li_posts_in_store(sandbox):
    return list(sandbox.state()["linkedin"]["posts"].values())


def test_linkedin_rate_limit_with_retry_after_then_recovers(li):
    sandbox, headers = li
    sandbox.fault(
        kind="rate_limit", network="linkedin", endpoint="posts.create", count=1, retry_after=120
    )
    limited = li_post(sandbox, headers)
    assert limited.status_code == 429
    assert limited.headers["Retry-After"] == "120"
    assert limited.json()["status"] == 429
    assert "throttle" in limited.json()["message"]
    assert li_posts_in_store(sandbox) == []
    assert li_post(sandbox, headers).status_code == 201
    assert sandbox.get("/_sandbox/faults").json()["faults"] == []


def test_graph_rate_limit_headers(sandbox):
    token = sandbox.instagram_token()
    sandbox.fault(kind="rate_limit", network="instagram", code=4)
    app_limited = sandbox.get(
        f"/instagram/graph/v23.0/{IG_ID}/media", params={"access_token": token}
    )
    assert app_limited.status_code == 403
    error = app_limited.json()["error"]
    assert error["code"] == 4 and error["is_transient"] is True and error["fbtrace_id"]
    assert json.loads(app_limited.headers["X-App-Usage"])["call_count"] == 100

    sandbox.fault(kind="rate_limit", network="instagram", code=17, retry_after=300)
    user_limited = sandbox.get(
        f"/instagram/graph/v23.0/{IG_ID}/media", params={"access_token": token}
    )
    assert user_limited.json()["error"]["code"] == 17
    usage = json.loads(user_limited.headers["X-Business-Use-Case-Usage"])
    assert usage[IG_ID][0]["type"] == "instagram"
    assert usage[IG_ID][0]["estimated_time_to_regain_access"] == 5
    assert (
        sandbox.get(
            f"/instagram/graph/v23.0/{IG_ID}/media", params={"access_token": token}
        ).status_code
        == 200
    )


@pytest.mark.parametrize(("status", "graph_code"), [(500, 1), (503, 2)])
def test_server_errors(li, status, graph_code):
    sandbox, headers = li
    sandbox.fault(kind="server_error", network="linkedin", status=status)
    answer = li_post(sandbox, headers)
    assert answer.status_code == status
    assert answer.json()["status"] == status
    if status == 503:
        assert "Retry-After" in answer.headers
    page_token = sandbox.facebook_page_token(PAGE)
    sandbox.fault(kind="server_error", network="facebook", endpoint="feed.*", status=status)
    graph = sandbox.post(
        f"/graph/v23.0/{PAGE}/feed", data={"message": "x", "access_token": page_token}
    )
    assert graph.status_code == status
    assert graph.json()["error"]["code"] == graph_code


def test_timeout_answers_late_and_the_work_is_done(li):
    sandbox, headers = li
    sandbox.fault(kind="timeout", network="linkedin", endpoint="posts.create", delay=0.6)
    with pytest.raises(requests.exceptions.ReadTimeout):
        li_post(sandbox, headers, timeout=0.2)
    deadline = time.monotonic() + 3
    while not li_posts_in_store(sandbox) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(li_posts_in_store(sandbox)) == 1


def test_timeout_delay_is_bounded(sandbox):
    sandbox.config(max_timeout_delay_seconds=0.1)
    token = sandbox.instagram_token()
    sandbox.fault(kind="timeout", network="instagram", endpoint="me", delay=60)
    started = time.monotonic()
    assert (
        sandbox.get(
            "/instagram/graph/v23.0/me", params={"access_token": token}, timeout=3
        ).status_code
        == 200
    )
    assert time.monotonic() - started < 2


def test_revoked_token(li):
    sandbox, headers = li
    sandbox.fault(kind="revoked_token", network="linkedin")
    answer = li_post(sandbox, headers)
    assert answer.status_code == 401
    assert answer.json()["serviceErrorCode"] == 65601
    assert answer.json()["code"] == "REVOKED_ACCESS_TOKEN"

    page_token = sandbox.facebook_page_token(PAGE)
    sandbox.fault(kind="revoked_token", network="facebook", subcode=460)
    graph = sandbox.get(f"/graph/v23.0/{PAGE}/feed", params={"access_token": page_token})
    assert graph.json()["error"]["code"] == 190
    assert graph.json()["error"]["error_subcode"] == 460


def test_duplicate_faults(li):
    sandbox, headers = li
    sandbox.fault(kind="duplicate", network="linkedin", endpoint="posts.create")
    answer = li_post(sandbox, headers)
    assert answer.status_code == 422
    assert answer.json()["errorDetails"]["inputErrors"][0]["code"] == "DUPLICATE_POST"
    page_token = sandbox.facebook_page_token(PAGE)
    sandbox.fault(kind="duplicate", network="facebook")
    graph = sandbox.post(
        f"/graph/v23.0/{PAGE}/feed", data={"message": "new", "access_token": page_token}
    )
    assert graph.json()["error"]["code"] == 506


def test_ig_quota_fault(sandbox):
    token = sandbox.instagram_token()
    sandbox.fault(kind="ig_quota", network="instagram", endpoint="media.publish")
    answer = sandbox.post(
        f"/instagram/graph/v23.0/{IG_ID}/media_publish",
        params={"creation_id": "1", "access_token": token},
    )
    assert answer.json()["error"]["error_subcode"] == 2207042
    refused = sandbox.post("/_sandbox/faults", json={"kind": "ig_quota", "network": "linkedin"})
    assert refused.status_code == 400


def test_lost_response_drops_the_connection_but_the_post_exists(li):
    sandbox, headers = li
    sandbox.fault(kind="lost_response", network="linkedin", endpoint="posts.create")
    with pytest.raises(requests.exceptions.ConnectionError):
        li_post(sandbox, headers, "Did it go out?")
    posts = li_posts_in_store(sandbox)
    assert [p["commentary"] for p in posts] == ["Did it go out?"]
    # Reconciliation finds it among the member's recent posts.
    listing = sandbox.get(
        "/linkedin/api/rest/posts", params={"q": "author", "author": AUTHOR}, headers=headers
    ).json()
    assert [p["id"] for p in listing["elements"]] == [posts[0]["id"]]
    log = sandbox.get("/_sandbox/requests").json()["requests"]
    assert any(entry["dropped"] and entry["route"] == "posts.create" for entry in log)


def test_lost_response_as_504_after_publishing(sandbox):
    token = sandbox.instagram_token()
    container = sandbox.post(
        f"/instagram/graph/v23.0/{IG_ID}/media",
        data={"image_url": "https://cdn.chorus.test/a.jpg", "access_token": token},
    ).json()["id"]
    sandbox.get(
        f"/instagram/graph/v23.0/{container}",
        params={"fields": "status_code", "access_token": token},
    )
    sandbox.fault(kind="lost_response", network="instagram", endpoint="media.publish", mode="504")
    answer = sandbox.post(
        f"/instagram/graph/v23.0/{IG_ID}/media_publish",
        params={"creation_id": container, "access_token": token},
    )
    assert answer.status_code == 504
    status = sandbox.get(
        f"/instagram/graph/v23.0/{container}",
        params={"fields": "status_code", "access_token": token},
    ).json()
    assert status["status_code"] == "PUBLISHED"
    assert (
        len(
            sandbox.get(
                f"/instagram/graph/v23.0/{IG_ID}/media", params={"access_token": token}
            ).json()["data"]
        )
        == 1
    )


def test_faults_match_account_endpoint_pattern_and_always(sandbox):
    ada = sandbox.linkedin_token()["access_token"]
    grace = sandbox.linkedin_token(profile_id="sbxGrace2")["access_token"]
    sandbox.fault(
        kind="server_error",
        network="linkedin",
        endpoint="posts.*",
        account="urn:li:person:sbxGrace2",
        count="always",
    )
    for _ in range(2):
        assert (
            sandbox.post(
                "/linkedin/api/rest/posts",
                headers=sandbox.li_headers(grace),
                json=post_body(author="urn:li:person:sbxGrace2"),
            ).status_code
            == 500
        )
    assert (
        sandbox.post(
            "/linkedin/api/rest/posts", headers=sandbox.li_headers(ada), json=post_body()
        ).status_code
        == 201
    )
    assert (
        sandbox.get(
            "/linkedin/api/v2/userinfo", headers={"Authorization": f"Bearer {grace}"}
        ).status_code
        == 200
    )
    rules = sandbox.get("/_sandbox/faults").json()["faults"]
    assert rules[0]["hits"] == 2 and rules[0]["count"] == "always"
    assert sandbox.request("DELETE", f"/_sandbox/faults/{rules[0]['id']}").status_code == 204
    assert (
        sandbox.post(
            "/linkedin/api/rest/posts",
            headers=sandbox.li_headers(grace),
            json=post_body(author="urn:li:person:sbxGrace2"),
        ).status_code
        == 201
    )


@pytest.mark.parametrize(
    "spec",
    [
        {"kind": "explode"},
        {"kind": "timeout", "count": 0},
        {"kind": "server_error", "status": 404},
        {"kind": "rate_limit", "network": "myspace"},
    ],
)
def test_invalid_fault_specs_are_refused(sandbox, spec):
    assert sandbox.post("/_sandbox/faults", json=spec).status_code == 400


def test_reset_clears_faults_and_state(li):
    sandbox, headers = li
    assert li_post(sandbox, headers).status_code == 201
    sandbox.fault(kind="server_error", count="always")
    sandbox.clock(advance_seconds=3600)
    assert (
        sandbox.post("/_sandbox/faults", json={"kind": "reset"}).status_code == 201
    )  # faults only
    assert sandbox.get("/_sandbox/faults").json()["faults"] == []
    assert len(li_posts_in_store(sandbox)) == 1
    sandbox.fault(kind="server_error", count="always")
    assert sandbox.post("/_sandbox/reset", json={}).status_code == 200
    state = sandbox.state()
    assert state["faults"] == [] and state["linkedin"]["posts"] == {} and state["tokens"] == {}
    assert abs(state["clock"]["offset_seconds"]) < 1
    # Keep state, clear faults only.
    sandbox.fault(kind="server_error", count="always")
    sandbox.post("/_sandbox/reset", json={"what": ["faults"]})
    assert sandbox.get("/_sandbox/faults").json()["faults"] == []


def test_token_expire_and_revoke_endpoints(sandbox):
    token = sandbox.linkedin_token()["access_token"]
    expired = sandbox.post(f"/_sandbox/tokens/{token}/expire").json()
    assert expired["status"] == "expired"
    answer = sandbox.get("/linkedin/api/v2/userinfo", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 401 and answer.json()["code"] == "EXPIRED_ACCESS_TOKEN"
    other = sandbox.linkedin_token()["access_token"]
    sandbox.post(f"/_sandbox/tokens/{other}/revoke")
    answer = sandbox.get("/linkedin/api/v2/userinfo", headers={"Authorization": f"Bearer {other}"})
    assert answer.json()["serviceErrorCode"] == 65601
    ig = sandbox.instagram_token()
    sandbox.post(f"/_sandbox/tokens/{ig}/expire")
    graph = sandbox.get("/instagram/graph/v23.0/me", params={"access_token": ig}).json()
    assert graph["error"]["code"] == 190 and graph["error"]["error_subcode"] == 463
