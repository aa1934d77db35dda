"""Fixtures: a fresh sandbox per test over real HTTP (no Django database involved)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from social_sandbox.server import start_in_thread
from social_sandbox.store import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET

CLIENT_ID = DEFAULT_CLIENT_ID
CLIENT_SECRET = DEFAULT_CLIENT_SECRET
REDIRECT = "http://chorus.test/callback"
LI_VERSION_HEADERS = {"X-Restli-Protocol-Version": "2.0.0", "Content-Type": "application/json"}
TIMEOUT = 5


class Sandbox:
    """A running sandbox and shortcuts to drive it."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.http = requests.Session()

    def url(self, path: str) -> str:
        return self.base + path

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", TIMEOUT)
        return self.http.get(self.url(path), **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", TIMEOUT)
        return self.http.post(self.url(path), **kwargs)

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", TIMEOUT)
        return self.http.request(method, self.url(path), **kwargs)

    # ---- admin ---------------------------------------------------------------------------
    def fault(self, **spec: Any) -> dict[str, Any]:
        response = self.post("/_sandbox/faults", json=spec)
        assert response.status_code == 201, response.text
        return response.json()

    def clock(self, **body: Any) -> dict[str, Any]:
        response = self.post("/_sandbox/clock", json=body)
        assert response.status_code == 200, response.text
        return response.json()

    def config(self, **body: Any) -> dict[str, Any]:
        response = self.post("/_sandbox/config", json=body)
        assert response.status_code == 200, response.text
        return response.json()

    def state(self) -> dict[str, Any]:
        return self.get("/_sandbox/state").json()

    # ---- OAuth ---------------------------------------------------------------------------
    def consent(
        self,
        path: str,
        params: dict[str, str],
        *,
        profile_id: str | None = None,
        decision: str = "approve",
    ) -> dict[str, list[str]]:
        """Open the consent page, submit it, return the redirect's query (and keep the fragment)."""
        page = self.get(path, params=params)
        assert page.status_code == 200, page.text
        assert "text/html" in page.headers["Content-Type"]
        form = dict(params, decision=decision)
        if profile_id:
            form["profile_id"] = profile_id
        elif decision == "approve":
            form["profile_id"] = page.text.split('name="profile_id" value="', 1)[1].split('"', 1)[0]
        answer = self.post(path, data=form, allow_redirects=False)
        assert answer.status_code == 302, answer.text
        location = answer.headers["Location"]
        parts = urlsplit(location)
        assert f"{parts.scheme}://{parts.netloc}{parts.path}" == params["redirect_uri"]
        query = parse_qs(parts.query)
        query["_fragment"] = [parts.fragment]
        return query

    def linkedin_token(
        self,
        scopes: str = "openid profile email w_member_social r_member_postAnalytics",
        profile_id: str = "sbxAda01",
    ) -> dict[str, Any]:
        query = self.consent(
            "/linkedin/oauth/v2/authorization",
            {
                "response_type": "code",
                "client_id": CLIENT_ID,
                "redirect_uri": REDIRECT,
                "state": "s1",
                "scope": scopes,
            },
            profile_id=profile_id,
        )
        response = self.post(
            "/linkedin/oauth/v2/accessToken",
            data={
                "grant_type": "authorization_code",
                "code": query["code"][0],
                "redirect_uri": REDIRECT,
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
            },
        )
        assert response.status_code == 200, response.text
        return response.json()

    def li_headers(self, token: str, version: str | None = None) -> dict[str, str]:
        if version is None:
            version = self.current_linkedin_version()
        return {
            "Authorization": f"Bearer {token}",
            "LinkedIn-Version": version,
            **LI_VERSION_HEADERS,
        }

    def current_linkedin_version(self) -> str:
        iso = self.get("/_sandbox/clock").json()["iso"]
        return iso[:4] + iso[5:7]

    def instagram_token(
        self,
        scopes: str = "instagram_business_basic,instagram_business_content_publish,instagram_business_manage_insights",
        profile_id: str = "17841400000000011",
        long_lived: bool = True,
    ) -> str:
        query = self.consent(
            "/instagram/www/oauth/authorize",
            {
                "client_id": CLIENT_ID,
                "redirect_uri": REDIRECT,
                "response_type": "code",
                "scope": scopes,
                "state": "ig",
            },
            profile_id=profile_id,
        )
        short = self.post(
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
        token = short.json()["access_token"]
        if not long_lived:
            return token
        exchanged = self.get(
            "/instagram/graph/access_token",
            params={
                "grant_type": "ig_exchange_token",
                "client_secret": CLIENT_SECRET,
                "access_token": token,
            },
        )
        assert exchanged.status_code == 200, exchanged.text
        return exchanged.json()["access_token"]

    def facebook_user_token(
        self,
        scopes: str = "pages_show_list,pages_manage_posts,pages_read_engagement,read_insights",
        profile_id: str = "10000000000000022",
    ) -> str:
        query = self.consent(
            "/facebook/www/v23.0/dialog/oauth",
            {
                "client_id": CLIENT_ID,
                "redirect_uri": REDIRECT,
                "state": "fb",
                "scope": scopes,
                "response_type": "code",
            },
            profile_id=profile_id,
        )
        short = self.get(
            "/graph/v23.0/oauth/access_token",
            params={
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "redirect_uri": REDIRECT,
                "code": query["code"][0],
            },
        )
        assert short.status_code == 200, short.text
        long = self.get(
            "/graph/v23.0/oauth/access_token",
            params={
                "grant_type": "fb_exchange_token",
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "fb_exchange_token": short.json()["access_token"],
            },
        )
        assert long.status_code == 200, long.text
        return long.json()["access_token"]

    def facebook_page_token(self, page_id: str = "100000000000102", **kwargs: Any) -> str:
        user_token = self.facebook_user_token(**kwargs)
        pages = self.get(
            "/graph/v23.0/me/accounts",
            params={"fields": "id,name,access_token,tasks", "access_token": user_token},
        ).json()["data"]
        return next(p["access_token"] for p in pages if p["id"] == page_id)


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    base, stop = start_in_thread()
    box = Sandbox(base)
    try:
        yield box
    finally:
        box.http.close()
        stop()
