"""LinkedIn company pages in the sandbox: organization ACLs, posts authored by an organization,
re-shares (``reshareContext.parent``) and the member posts' faults on them."""

from __future__ import annotations

from typing import Any

ORG_SCOPES = "openid profile w_organization_social r_organization_social"
ACME = "urn:li:organization:2414183"


def _member_post(sandbox: Any, headers: dict[str, str], **extra: Any) -> str:
    body = {
        "author": "urn:li:person:sbxAda01",
        "commentary": "Our new plant opens today",
        "visibility": "PUBLIC",
        "distribution": {"feedDistribution": "MAIN_FEED"},
        "lifecycleState": "PUBLISHED",
        **extra,
    }
    response = sandbox.post("/linkedin/api/rest/posts", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.headers["x-restli-id"]


def _reshare(sandbox: Any, headers: dict[str, str], parent: str, author: str = ACME, **extra: Any):
    body = {
        "author": author,
        "commentary": "Proud of our team \\#teamwork",
        "visibility": "PUBLIC",
        "distribution": {
            "feedDistribution": "MAIN_FEED",
            "targetEntities": [],
            "thirdPartyDistributionChannels": [],
        },
        "lifecycleState": "PUBLISHED",
        "isReshareDisabledByAuthor": False,
        "reshareContext": {"parent": parent},
        **extra,
    }
    return sandbox.post("/linkedin/api/rest/posts", json=body, headers=headers)


def _headers(sandbox: Any, scopes: str = ORG_SCOPES, profile_id: str = "sbxGrace2"):
    token = sandbox.linkedin_token(scopes=scopes, profile_id=profile_id)["access_token"]
    return sandbox.li_headers(token)


def _ada(sandbox: Any) -> dict[str, str]:
    return _headers(sandbox, "openid profile w_member_social", "sbxAda01")


def test_organization_acls_list_the_pages_the_member_has_a_role_on(sandbox):
    grace = _headers(sandbox)
    answer = sandbox.get(
        "/linkedin/api/rest/organizationAcls",
        params={"q": "roleAssignee", "state": "APPROVED"},
        headers=grace,
    )
    assert answer.status_code == 200, answer.text
    elements = answer.json()["elements"]
    assert [(e["organization"], e["role"]) for e in elements] == [
        (ACME, "ADMINISTRATOR"),
        ("urn:li:organization:2414184", "ADMINISTRATOR"),
    ]
    assert {e["roleAssignee"] for e in elements} == {"urn:li:person:sbxGrace2"}
    acme = sandbox.get("/linkedin/api/rest/organizations/2414183", headers=grace).json()
    assert acme["localizedName"] == "Acme Corporation"
    alan = _headers(sandbox, profile_id="sbxAlan03")
    analyst = sandbox.get(
        "/linkedin/api/rest/organizationAcls",
        params={"q": "roleAssignee", "role": "ADMINISTRATOR"},
        headers=alan,
    )
    assert analyst.json()["elements"] == []


def test_organization_acls_need_an_organization_scope(sandbox):
    answer = sandbox.get(
        "/linkedin/api/rest/organizationAcls", params={"q": "roleAssignee"}, headers=_ada(sandbox)
    )
    assert answer.status_code == 403
    assert answer.json()["serviceErrorCode"] == 100


def test_an_admin_reshares_an_employee_post_as_the_organization(sandbox):
    parent = _member_post(sandbox, _ada(sandbox))
    answer = _reshare(sandbox, _headers(sandbox), parent)
    assert answer.status_code == 201, answer.text
    urn = answer.headers["x-restli-id"]
    post = sandbox.state()["linkedin"]["posts"][urn]
    assert post["author"] == ACME
    assert post["reshareContext"] == {"parent": parent}
    assert post["audience"] == 48000  # the page's followers
    # The page's posts can be read back with r_organization_social (reconciliation's look).
    listed = sandbox.get(
        "/linkedin/api/rest/posts",
        params={"q": "author", "author": ACME, "sortBy": "CREATED"},
        headers=_headers(sandbox),
    )
    assert listed.status_code == 200, listed.text
    [found] = listed.json()["elements"]
    assert found["id"] == urn and found["reshareContext"]["parent"] == parent


def test_a_second_reshare_of_another_post_with_the_same_comment_is_no_duplicate(sandbox):
    ada = _ada(sandbox)
    first = _member_post(sandbox, ada)
    second = _member_post(sandbox, ada, commentary="Another story")
    grace = _headers(sandbox)
    assert _reshare(sandbox, grace, first).status_code == 201
    assert _reshare(sandbox, grace, second).status_code == 201
    again = _reshare(sandbox, grace, first)
    assert again.status_code == 422
    assert "duplicate" in again.json()["message"].lower()


def test_posting_as_a_page_needs_w_organization_social_and_an_admin_role(sandbox):
    parent = _member_post(sandbox, _ada(sandbox))
    without_scope = _reshare(
        sandbox, _headers(sandbox, "openid profile r_organization_social"), parent
    )
    assert without_scope.status_code == 403
    assert without_scope.json()["code"] == "ACCESS_DENIED"
    analyst = _reshare(sandbox, _headers(sandbox, profile_id="sbxAlan03"), parent)
    assert analyst.status_code == 403
    # Ada administers another page, not Acme.
    other_admin = _reshare(sandbox, _headers(sandbox, profile_id="sbxAda01"), parent)
    assert other_admin.status_code == 403
    # A member token cannot post as a page either.
    assert _reshare(sandbox, _ada(sandbox), parent).status_code == 403


def test_the_parent_must_exist_and_allow_resharing(sandbox):
    grace = _headers(sandbox)
    missing = _reshare(sandbox, grace, "urn:li:share:7399999999999999999")
    assert missing.status_code == 422
    [error] = missing.json()["errorDetails"]["inputErrors"]
    assert error["code"] == "INVALID_URN_ID"
    locked = _member_post(sandbox, _ada(sandbox), isReshareDisabledByAuthor=True)
    disabled = _reshare(sandbox, grace, locked)
    assert disabled.status_code == 422
    assert disabled.json()["errorDetails"]["inputErrors"][0]["code"] == "RESHARE_DISABLED"
    wrong_type = _reshare(sandbox, grace, "urn:li:person:sbxAda01")
    assert wrong_type.status_code == 422


def test_member_post_faults_apply_to_page_posts(sandbox):
    parent = _member_post(sandbox, _ada(sandbox))
    sandbox.fault(kind="rate_limit", network="linkedin", endpoint="posts.create", retry_after=90)
    limited = _reshare(sandbox, _headers(sandbox), parent)
    assert limited.status_code == 429
    assert limited.headers["Retry-After"] == "90"
    sandbox.fault(kind="server_error", network="linkedin", endpoint="posts.create", status=503)
    assert _reshare(sandbox, _headers(sandbox), parent).status_code == 503
    assert _reshare(sandbox, _headers(sandbox), parent).status_code == 201
