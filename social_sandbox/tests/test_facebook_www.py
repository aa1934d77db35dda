"""Facebook's web pages (social_sandbox/facebook_www.py): the share dialog and a post's
permalink page."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from social_sandbox.tests.conftest import CLIENT_ID


def test_share_dialog_records_the_share_and_redirects(sandbox):
    params = {
        "app_id": CLIENT_ID,
        "display": "popup",
        "href": "https://chorus.test/l/abc",
        "hashtag": "#launch",
        "redirect_uri": "https://chorus.test/shared",
    }
    page = sandbox.get("/facebook/www/dialog/share", params=params)
    assert page.status_code == 200
    assert "https://chorus.test/l/abc" in page.text and "#launch" in page.text
    assert 'value="post"' in page.text

    posted = sandbox.post(
        "/facebook/www/dialog/share",
        data={
            **params,
            "profile_id": "10000000000000021",
            "message": "Proud of this",
            "decision": "post",
        },
        allow_redirects=False,
    )
    assert posted.status_code == 302
    assert posted.headers["Location"].startswith("https://chorus.test/shared")
    shares = sandbox.state()["facebook"]["shares"]
    assert len(shares) == 1
    assert shares[0]["href"] == "https://chorus.test/l/abc"
    assert shares[0]["hashtag"] == "#launch"
    assert shares[0]["profile_id"] == "10000000000000021"

    cancelled = sandbox.post(
        "/facebook/www/dialog/share", data={**params, "decision": "cancel"}, allow_redirects=False
    )
    assert parse_qs(urlsplit(cancelled.headers["Location"]).query)["error_code"] == ["4201"]
    assert len(sandbox.state()["facebook"]["shares"]) == 1

    no_redirect = {k: v for k, v in params.items() if k != "redirect_uri"}
    closed = sandbox.post(
        "/facebook/www/dialog/share",
        data={**no_redirect, "profile_id": "10000000000000022", "decision": "post"},
    )
    assert closed.status_code == 200 and "window.close()" in closed.text
    assert len(sandbox.state()["facebook"]["shares"]) == 2


@pytest.mark.parametrize(
    "params",
    [
        {"app_id": "unknown", "href": "https://chorus.test/"},
        {"app_id": CLIENT_ID, "href": "javascript:alert(1)"},
        {"app_id": CLIENT_ID, "href": "https://chorus.test/", "hashtag": "launch"},
    ],
)
def test_share_dialog_rejects_bad_parameters(sandbox, params):
    assert sandbox.get("/facebook/www/dialog/share", params=params).status_code == 400


def test_permalink_page_of_an_unknown_post_is_not_found(sandbox):
    missing = sandbox.http.get(f"{sandbox.base}/facebook/www/100000000000102/posts/1", timeout=5)
    assert missing.status_code == 404
    assert "isn't available" in missing.text
