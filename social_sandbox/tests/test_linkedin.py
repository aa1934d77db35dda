"""LinkedIn /rest API: posts, header validation, duplicates, images, analytics, listing."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from social_sandbox.linkedin import METRIC_UNION_KEY

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
AUTHOR = "urn:li:person:sbxAda01"


def post_body(commentary: str = "Hello from Chorus", **extra):
    return {
        "author": AUTHOR,
        "commentary": commentary,
        "visibility": "PUBLIC",
        "distribution": {
            "feedDistribution": "MAIN_FEED",
            "targetEntities": [],
            "thirdPartyDistributionChannels": [],
        },
        "lifecycleState": "PUBLISHED",
        "isReshareDisabledByAuthor": False,
        **extra,
    }


@pytest.fixture
def li(sandbox):
    token = sandbox.linkedin_token()["access_token"]
    return sandbox, token, sandbox.li_headers(token)


def create(sandbox, headers, body):
    return sandbox.post("/linkedin/api/rest/posts", json=body, headers=headers)


def test_create_post_then_read_and_list_it(li):
    sandbox, _token, headers = li
    article = {
        "article": {
            "source": "https://chorus.test/l/abc",
            "title": "Our news",
            "description": "Read it",
        }
    }
    answer = create(sandbox, headers, post_body(content=article))
    assert answer.status_code == 201
    assert answer.content == b""
    urn = answer.headers["x-restli-id"]
    assert urn.startswith("urn:li:share:")

    fetched = sandbox.get(f"/linkedin/api/rest/posts/{quote(urn, safe='')}", headers=headers)
    assert fetched.status_code == 200
    assert fetched.json()["commentary"] == "Hello from Chorus"
    assert fetched.json()["content"] == article
    assert fetched.json()["author"] == AUTHOR

    second = create(sandbox, headers, post_body("Another one")).headers["x-restli-id"]
    # Listing a member's posts needs r_member_social (approved partners only).
    headers = sandbox.li_headers(
        sandbox.linkedin_token(scopes="openid w_member_social r_member_social")["access_token"]
    )
    listing = sandbox.get(
        "/linkedin/api/rest/posts",
        params={"q": "author", "author": AUTHOR, "count": 1},
        headers=headers,
    ).json()
    assert [p["id"] for p in listing["elements"]] == [second]
    assert listing["paging"]["total"] == 2
    assert listing["paging"]["links"][0]["rel"] == "next"
    rest = sandbox.get(
        "/linkedin/api/rest/posts",
        params={"q": "author", "author": AUTHOR, "start": 1},
        headers=headers,
    ).json()
    assert [p["id"] for p in rest["elements"]] == [urn]

    other = sandbox.get(
        "/linkedin/api/rest/posts",
        params={"q": "author", "author": "urn:li:person:sbxGrace2"},
        headers=headers,
    )
    assert other.status_code == 403


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"LinkedIn-Version": None}, 400, "VERSION_MISSING"),
        ({"LinkedIn-Version": "2024-01"}, 400, "INVALID_VERSION"),
        ({"LinkedIn-Version": "202301"}, 426, "NONEXISTENT_VERSION"),
        ({"X-Restli-Protocol-Version": None}, 400, "ILLEGAL_ARGUMENT"),
        ({"Authorization": None}, 401, "EMPTY_ACCESS_TOKEN"),
        ({"Authorization": "Bearer not-a-token"}, 401, "INVALID_ACCESS_TOKEN"),
    ],
)
def test_header_validation(li, change, status, code):
    sandbox, _token, headers = li
    headers = dict(headers)
    for key, value in change.items():
        if value is None:
            headers.pop(key)
        else:
            headers[key] = value
    answer = create(sandbox, headers, post_body())
    assert answer.status_code == status
    body = answer.json()
    assert body["status"] == status
    assert body["code"] == code
    assert body["message"]


def test_author_scope_and_body_are_validated(sandbox):
    token = sandbox.linkedin_token()["access_token"]
    headers = sandbox.li_headers(token)
    wrong_author = create(sandbox, headers, post_body(author="urn:li:person:sbxGrace2"))
    assert wrong_author.status_code == 403
    assert wrong_author.json()["serviceErrorCode"] == 100

    missing = post_body()
    del missing["visibility"]
    invalid = create(sandbox, headers, missing)
    assert invalid.status_code == 422
    assert (
        invalid.json()["errorDetails"]["inputErrors"][0]["input"]["inputPath"]["fieldPath"]
        == "visibility"
    )

    bad_article = create(
        sandbox, headers, post_body(content={"article": {"source": "ftp://x", "title": "t"}})
    )
    assert bad_article.status_code == 422

    reader = sandbox.linkedin_token(scopes="openid profile")["access_token"]
    no_scope = create(sandbox, sandbox.li_headers(reader), post_body())
    assert no_scope.status_code == 403
    assert no_scope.json()["code"] == "ACCESS_DENIED"


def test_listing_a_members_posts_needs_r_member_social(li):
    sandbox, _token, headers = li  # w_member_social (and analytics), as an ordinary app has
    assert create(sandbox, headers, post_body("Mine")).status_code == 201
    refused = sandbox.get(
        "/linkedin/api/rest/posts", params={"q": "author", "author": AUTHOR}, headers=headers
    )
    assert refused.status_code == 403
    assert refused.json()["code"] == "ACCESS_DENIED"
    assert refused.json()["serviceErrorCode"] == 100


def test_a_re_sent_post_with_a_new_thumbnail_upload_is_still_a_duplicate(li):
    sandbox, _token, headers = li
    article = {"source": "https://chorus.test/s/abc", "title": "Our news"}
    first = create(sandbox, headers, post_body(content={"article": article}))
    assert first.status_code == 201
    again = create(
        sandbox,
        headers,
        post_body(content={"article": {**article, "thumbnail": upload_png(sandbox, headers)}}),
    )
    assert again.status_code == 422
    assert again.json()["message"] == f"Content is a duplicate of {first.headers['x-restli-id']}"


def test_duplicate_post_is_422_within_the_window(li):
    sandbox, _token, headers = li
    assert create(sandbox, headers, post_body("Same words")).status_code == 201
    duplicate = create(sandbox, headers, post_body("Same words"))
    assert duplicate.status_code == 422
    body = duplicate.json()
    assert body["code"] == "DUPLICATE_POST"
    assert body["errorDetails"]["inputErrors"][0]["code"] == "DUPLICATE_POST"
    assert body["message"].startswith("Content is a duplicate of urn:li:share:")
    # Another member may say the same thing; the same member may after the window.
    grace = sandbox.linkedin_token(profile_id="sbxGrace2")["access_token"]
    assert (
        create(
            sandbox,
            sandbox.li_headers(grace),
            post_body("Same words", author="urn:li:person:sbxGrace2"),
        ).status_code
        == 201
    )
    sandbox.clock(advance_seconds=86400 + 1)
    assert (
        create(
            sandbox,
            sandbox.li_headers(sandbox.linkedin_token()["access_token"]),
            post_body("Same words"),
        ).status_code
        == 201
    )


def upload_png(sandbox, headers):
    value = init_upload(sandbox, headers)
    token = headers["Authorization"].split(" ", 1)[1]
    answer = sandbox.http.put(
        value["uploadUrl"], data=PNG, headers={"Authorization": f"Bearer {token}"}, timeout=5
    )
    assert answer.status_code == 201
    return value["image"]


def init_upload(sandbox, headers):
    answer = sandbox.post(
        "/linkedin/api/rest/images",
        params={"action": "initializeUpload"},
        json={"initializeUploadRequest": {"owner": AUTHOR}},
        headers=headers,
    )
    assert answer.status_code == 200, answer.text
    return answer.json()["value"]


def test_image_upload_flow(li):
    sandbox, token, headers = li
    value = init_upload(sandbox, headers)
    assert value["uploadUrl"].startswith(sandbox.base + "/linkedin/")
    assert value["image"].startswith("urn:li:image:")
    assert value["uploadUrlExpiresAt"] > 0

    too_early = create(sandbox, headers, post_body(content={"media": {"id": value["image"]}}))
    assert too_early.status_code == 422

    not_image = sandbox.http.put(
        value["uploadUrl"], data=b"hello", headers={"Authorization": f"Bearer {token}"}, timeout=5
    )
    assert not_image.status_code == 400
    uploaded = sandbox.http.put(
        value["uploadUrl"], data=PNG, headers={"Authorization": f"Bearer {token}"}, timeout=5
    )
    assert uploaded.status_code == 201
    status = sandbox.get(
        f"/linkedin/api/rest/images/{quote(value['image'], safe='')}", headers=headers
    ).json()
    assert status["status"] == "AVAILABLE"

    posted = create(
        sandbox, headers, post_body(content={"media": {"id": value["image"], "altText": "a chart"}})
    )
    assert posted.status_code == 201
    thumb = create(
        sandbox,
        headers,
        post_body(
            "With a thumbnail",
            content={
                "article": {
                    "source": "https://chorus.test/l/x",
                    "title": "T",
                    "thumbnail": value["image"],
                }
            },
        ),
    )
    assert thumb.status_code == 201


def test_multi_image_posts_are_ugc_posts(li):
    sandbox, token, headers = li
    images = []
    for _ in range(2):
        value = init_upload(sandbox, headers)
        sandbox.http.put(
            value["uploadUrl"], data=PNG, headers={"Authorization": f"Bearer {token}"}, timeout=5
        )
        images.append({"id": value["image"]})
    answer = create(sandbox, headers, post_body(content={"multiImage": {"images": images}}))
    assert answer.status_code == 201
    urn = answer.headers["x-restli-id"]
    assert urn.startswith("urn:li:ugcPost:")
    sandbox.clock(advance_seconds=86400)
    stats = sandbox.get(
        "/linkedin/api/rest/memberCreatorPostAnalytics",
        headers=headers,
        params={
            "q": "entity",
            "entity": f"(ugc:{quote(urn, safe='')})",
            "queryType": "IMPRESSION",
            "aggregation": "TOTAL",
        },
    )
    assert stats.status_code == 200, stats.text
    assert stats.json()["elements"][0]["targetEntity"] == {"ugc": urn}
    wrong_kind = sandbox.get(
        "/linkedin/api/rest/memberCreatorPostAnalytics",
        headers=headers,
        params={
            "q": "entity",
            "entity": f"(share:{quote(urn, safe='')})",
            "queryType": "IMPRESSION",
        },
    )
    assert wrong_kind.status_code == 400


def metric_name(metric_type):
    if isinstance(metric_type, str):
        return metric_type
    (value,) = metric_type.values()
    return value


def test_analytics_answers_both_metric_type_shapes(li):
    sandbox, _token, headers = li
    urn = create(sandbox, headers, post_body()).headers["x-restli-id"]
    sandbox.clock(advance_seconds=2 * 86400)
    shapes, counts = set(), {}
    # Both the raw Rest.li encoding and a plainly encoded value are accepted.
    raw = f"(share:{quote(urn, safe='')})"
    for query_type in ("IMPRESSION", "MEMBERS_REACHED", "REACTION", "COMMENT", "RESHARE"):
        answer = sandbox.get(
            f"/linkedin/api/rest/memberCreatorPostAnalytics?q=entity&entity={raw}&queryType={query_type}&aggregation=TOTAL",
            headers=headers,
        )
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert set(body) == {"paging", "elements"}
        element = body["elements"][0]
        assert element["targetEntity"] == {"share": urn}
        assert metric_name(element["metricType"]) == query_type
        if isinstance(element["metricType"], dict):
            assert list(element["metricType"]) == [METRIC_UNION_KEY]
        shapes.add(type(element["metricType"]))
        counts[query_type] = element["count"]
        again = sandbox.get(
            "/linkedin/api/rest/memberCreatorPostAnalytics",
            headers=headers,
            params={
                "q": "entity",
                "entity": f"(share:{urn})",
                "queryType": query_type,
                "aggregation": "TOTAL",
            },
        ).json()
        assert again["elements"][0]["metricType"] == element["metricType"]  # deterministic
    assert shapes == {str, dict}
    assert counts["IMPRESSION"] > 0
    assert (
        counts["IMPRESSION"] >= counts["MEMBERS_REACHED"] >= counts["REACTION"] >= counts["COMMENT"]
    )

    social = sandbox.get(
        f"/linkedin/api/rest/socialMetadata/{quote(urn, safe='')}", headers=headers
    ).json()
    assert sum(r["count"] for r in social["reactionSummaries"].values()) == counts["REACTION"]
    assert social["commentSummary"]["count"] == counts["COMMENT"]

    total = sandbox.get(
        "/linkedin/api/rest/memberCreatorPostAnalytics",
        headers=headers,
        params={"q": "me", "queryType": "IMPRESSION", "aggregation": "TOTAL"},
    ).json()
    assert total["elements"][0]["count"] == counts["IMPRESSION"]


def test_analytics_needs_its_scope_and_own_posts(sandbox):
    poster = sandbox.linkedin_token(scopes="openid w_member_social")["access_token"]
    headers = sandbox.li_headers(poster)
    urn = create(sandbox, headers, post_body()).headers["x-restli-id"]
    params = {
        "q": "entity",
        "entity": f"(share:{urn})",
        "queryType": "IMPRESSION",
        "aggregation": "TOTAL",
    }
    no_scope = sandbox.get(
        "/linkedin/api/rest/memberCreatorPostAnalytics", headers=headers, params=params
    )
    assert no_scope.status_code == 403
    grace = sandbox.linkedin_token(profile_id="sbxGrace2")["access_token"]
    foreign = sandbox.get(
        "/linkedin/api/rest/memberCreatorPostAnalytics",
        headers=sandbox.li_headers(grace),
        params=params,
    )
    assert foreign.status_code == 403


def test_delete_and_missing_posts(li):
    sandbox, _token, headers = li
    urn = create(sandbox, headers, post_body()).headers["x-restli-id"]
    path = f"/linkedin/api/rest/posts/{quote(urn, safe='')}"
    assert sandbox.request("DELETE", path, headers=headers).status_code == 204
    missing = sandbox.get(path, headers=headers)
    assert missing.status_code == 404
    assert missing.json()["status"] == 404
