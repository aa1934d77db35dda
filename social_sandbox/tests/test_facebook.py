"""Facebook Graph API for pages (social_sandbox/facebook.py)."""

from __future__ import annotations

import pytest

PAGE = "100000000000102"
G = "/graph/v23.0"


@pytest.fixture
def fb(sandbox):
    return sandbox, sandbox.facebook_page_token(PAGE)


def test_page_feed_post_listing_and_insights(fb):
    sandbox, token = fb
    answer = sandbox.post(
        f"{G}/{PAGE}/feed",
        data={
            "message": "We are hiring",
            "link": "https://chorus.test/l/jobs",
            "access_token": token,
        },
    )
    assert answer.status_code == 200, answer.text
    post_id = answer.json()["id"]
    page_part, _, number = post_id.partition("_")
    assert page_part == PAGE and number.isdigit()

    feed = sandbox.get(
        f"{G}/{PAGE}/feed",
        params={"fields": "id,message,created_time,permalink_url", "access_token": token},
    ).json()
    assert feed["data"][0]["id"] == post_id
    assert feed["data"][0]["message"] == "We are hiring"
    assert feed["data"][0]["created_time"].endswith("+0000")
    assert "We are hiring" in sandbox.http.get(feed["data"][0]["permalink_url"], timeout=5).text

    sandbox.clock(advance_seconds=86400)
    metrics = (
        "post_total_media_view_unique,post_media_view,post_reactions_by_type_total,post_clicks"
    )
    insights = sandbox.get(
        f"{G}/{post_id}/insights", params={"metric": metrics, "access_token": token}
    )
    assert insights.status_code == 200, insights.text
    values = {item["name"]: item["values"][0]["value"] for item in insights.json()["data"]}
    assert list(values) == metrics.split(",")
    assert values["post_media_view"] >= values["post_total_media_view_unique"] > 0
    assert isinstance(values["post_reactions_by_type_total"], dict)
    assert set(values["post_reactions_by_type_total"]) <= {
        "like",
        "love",
        "wow",
        "haha",
        "sorry",
        "anger",
    }
    assert values["post_clicks"] >= 0

    retired = sandbox.get(
        f"{G}/{post_id}/insights", params={"metric": "post_impressions", "access_token": token}
    )
    assert retired.status_code == 400
    assert retired.json()["error"]["code"] == 100
    assert retired.json()["error"]["message"] == "(#100) The value must be a valid insights metric"


def test_photos(fb):
    sandbox, token = fb
    answer = sandbox.post(
        f"{G}/{PAGE}/photos",
        data={"url": "https://cdn.chorus.test/a.png", "caption": "Our team", "access_token": token},
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["post_id"].startswith(PAGE + "_")
    photo = sandbox.get(f"{G}/{answer.json()['id']}", params={"access_token": token}).json()
    assert photo["name"] == "Our team"
    missing = sandbox.post(f"{G}/{PAGE}/photos", data={"caption": "x", "access_token": token})
    assert missing.json()["error"]["code"] == 324


def test_page_token_required_and_duplicates_refused(sandbox):
    user_token = sandbox.facebook_user_token()
    with_user_token = sandbox.post(
        f"{G}/{PAGE}/feed", data={"message": "hi", "access_token": user_token}
    )
    assert with_user_token.status_code == 400
    assert with_user_token.json()["error"]["code"] == 210

    token = sandbox.get(
        f"{G}/me/accounts", params={"fields": "id,access_token", "access_token": user_token}
    ).json()["data"]
    page_tokens = {p["id"]: p["access_token"] for p in token}
    other_page = sandbox.post(
        f"{G}/{PAGE}/feed", data={"message": "hi", "access_token": page_tokens["100000000000103"]}
    )
    assert other_page.status_code == 403

    first = sandbox.post(
        f"{G}/{PAGE}/feed", data={"message": "Same", "access_token": page_tokens[PAGE]}
    )
    assert first.status_code == 200
    again = sandbox.post(
        f"{G}/{PAGE}/feed", data={"message": "Same", "access_token": page_tokens[PAGE]}
    )
    assert again.status_code == 400
    assert again.json()["error"]["code"] == 506
    empty = sandbox.post(
        f"{G}/{PAGE}/feed", data={"message": "", "access_token": page_tokens[PAGE]}
    )
    assert empty.json()["error"]["code"] == 100

    # Reading the page's feed works with the managing user's token too.
    assert sandbox.get(f"{G}/{PAGE}/feed", params={"access_token": user_token}).status_code == 200


def test_scopes_are_required(sandbox):
    token = sandbox.facebook_page_token(PAGE, scopes="pages_show_list,pages_read_engagement")
    denied = sandbox.post(f"{G}/{PAGE}/feed", data={"message": "x", "access_token": token})
    assert denied.status_code == 403
    assert denied.json()["error"]["code"] == 200
