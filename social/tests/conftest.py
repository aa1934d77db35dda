"""Shared fixtures for the social app's tests: the network sandbox over real HTTP.

``sandbox`` (function-scoped) gives every test a clean ``social_sandbox`` (one server per test
session, its state, faults, clock and request log reset before each test) with
``settings.NETWORK_BASES`` and ``settings.SOCIAL_SANDBOX_URL`` pointing at it, the sandbox's
client ids/secrets configured, and the Django cache cleared (quota "blocked until" marks and
error counters live there). Use it like this::

    def test_something(sandbox, world):
        ada = sandbox.connect("linkedin")  # OAuth over HTTP, as Ada Lovelace
        account = sandbox.network_account(world.a_member.user, ada)
        sandbox.fault("rate_limit", network="linkedin", endpoint="posts.create", retry_after=120)
        ...
        assert len(sandbox.linkedin_posts()) == 1

``connect`` returns a :class:`Connection` (tokens, expiry, scopes, the profile id, and for
Facebook the managed pages with their page tokens) so a test can build a ``NetworkAccount``
itself (``account.set_tokens(...)``) or let ``sandbox.network_account(...)`` do it.

Also here: ``publishing_worker``, a real Celery worker (solo pool, in a thread of this process,
on an isolated file-system broker folder) for tests that run the publishing path end to end.
It needs ``transactional_db``.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.conf import settings as django_settings
from django.core.cache import cache
from django.utils import timezone

from social_sandbox.mapping import bases as sandbox_bases
from social_sandbox.server import start_in_thread

SANDBOX_CLIENT_ID = "chorus-sandbox-client"
SANDBOX_CLIENT_SECRET = "chorus-sandbox-secret"
REDIRECT_URI = "http://testserver/accounts/callback/"

DEFAULT_SCOPES: dict[str, list[str]] = {
    "linkedin": ["openid", "profile", "email", "w_member_social", "r_member_postAnalytics"],
    "instagram": [
        "instagram_business_basic",
        "instagram_business_content_publish",
        "instagram_business_manage_insights",
    ],
    "facebook": ["pages_show_list", "pages_manage_posts", "pages_read_engagement", "read_insights"],
}


@dataclass
class Connection:
    """What a completed OAuth connection gave us (all values as the network returned them)."""

    network: str
    profile_id: str  # LinkedIn ``sub``, Instagram user id, Facebook user id
    access_token: str
    expires_at: datetime | None
    scopes: list[str]
    refresh_token: str | None = None
    refresh_expires_at: datetime | None = None
    name: str = ""
    #: Facebook: ``[{"id", "name", "access_token", "tasks"}]`` from ``/me/accounts``.
    pages: list[dict[str, Any]] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def author_urn(self) -> str:
        return f"urn:li:person:{self.profile_id}"

    def page(self, page_id: str | None = None) -> dict[str, Any]:
        """One managed page (the first one by default)."""
        if page_id is None:
            return self.pages[0]
        return next(p for p in self.pages if p["id"] == page_id)


class Sandbox:
    """A handle on the running sandbox: its URL, bases, admin API and OAuth flows."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.bases = sandbox_bases(url)
        self.http = requests.Session()

    # ---- admin API -----------------------------------------------------------------------
    def admin(self, method: str, path: str, json: Any = None, **params: Any) -> Any:
        response = self.http.request(
            method, f"{self.url}/_sandbox/{path.lstrip('/')}", json=json, params=params, timeout=10
        )
        response.raise_for_status()
        return response.json() if response.content else None

    def reset(self) -> None:
        self.admin("POST", "reset", json={})

    def fault(
        self,
        kind: str,
        *,
        network: str = "*",
        endpoint: str = "*",
        account: str = "*",
        count: int | str = 1,
        **options: Any,
    ) -> dict[str, Any]:
        """Inject one fault rule (see social_sandbox/README.md "Fault injection"); returns it."""
        rule = {
            "kind": kind,
            "network": network,
            "endpoint": endpoint,
            "account": account,
            "count": count,
            **options,
        }
        return self.admin("POST", "faults", json=rule)

    def faults(self) -> list[dict[str, Any]]:
        return self.admin("GET", "faults")["faults"]

    def clear_faults(self) -> None:
        self.admin("DELETE", "faults")

    def state(self, section: str | None = None) -> dict[str, Any]:
        return self.admin("GET", "state", **({"section": section} if section else {}))

    def config(self, **values: Any) -> dict[str, Any]:
        return self.admin("POST", "config", json=values)

    def clock(self, **change: Any) -> dict[str, Any]:
        """``clock(advance_seconds=3600)``, ``clock(fixed="2026-06-01T12:00:00Z")``, ``clock()`` reads."""
        if not change:
            return self.admin("GET", "clock")
        return self.admin("POST", "clock", json=change)

    def requests_log(self, limit: int = 200) -> list[dict[str, Any]]:
        return self.admin("GET", "requests", limit=limit)["requests"]

    def expire_token(self, token: str) -> None:
        self.admin("POST", f"tokens/{token}/expire")

    def revoke_token(self, token: str) -> None:
        self.admin("POST", f"tokens/{token}/revoke")

    # What was published (the sandbox's own records).
    def linkedin_posts(self) -> list[dict[str, Any]]:
        """Posts that exist (deleted ones left out)."""
        return [p for p in self.state()["linkedin"]["posts"].values() if not p.get("deleted")]

    def instagram_media(self) -> list[dict[str, Any]]:
        return list(self.state()["instagram"]["media"].values())

    def facebook_posts(self) -> list[dict[str, Any]]:
        """Page posts that exist (deleted ones left out)."""
        return [p for p in self.state()["facebook"]["posts"].values() if not p.get("deleted")]

    # ---- OAuth over HTTP --------------------------------------------------------------------
    def _approve(self, authorize_url: str, params: dict[str, str], profile_id: str) -> str:
        page = self.http.get(authorize_url, params=params, timeout=10)
        assert page.status_code == 200, page.text
        answer = self.http.post(
            authorize_url,
            data={**params, "decision": "approve", "profile_id": profile_id},
            allow_redirects=False,
            timeout=10,
        )
        assert answer.status_code in (302, 303), answer.text
        query = parse_qs(urlsplit(answer.headers["Location"]).query)
        assert query.get("state") == [params["state"]], query
        return query["code"][0]

    def _profile(self, network: str, profile: str | None) -> dict[str, Any]:
        profiles = self.admin("GET", "profiles")[network]
        if profile is None:
            return profiles[0]
        for candidate in profiles:
            if profile in (candidate["id"], candidate.get("name"), candidate.get("username")):
                return candidate
        raise LookupError(f"no {network} profile {profile!r} in the sandbox")

    def connect(
        self, network: str, profile: str | None = None, *, scopes: list[str] | None = None
    ) -> Connection:
        """Run ``network``'s OAuth flow as ``profile`` (id, name or username; default the first).

        LinkedIn: authorization code -> token. Instagram: code -> short token -> 60-day token.
        Facebook: code -> short user token -> 60-day user token -> page tokens (``pages``).
        """
        chosen = self._profile(network, profile)
        granted = scopes if scopes is not None else DEFAULT_SCOPES[network]
        state = secrets.token_urlsafe(8)
        now = timezone.now()
        if network == "linkedin":
            params = {
                "response_type": "code",
                "client_id": SANDBOX_CLIENT_ID,
                "redirect_uri": REDIRECT_URI,
                "state": state,
                "scope": " ".join(granted),
            }
            oauth = self.bases["LINKEDIN_OAUTH_BASE"]
            code = self._approve(f"{oauth}/v2/authorization", params, chosen["id"])
            token = self.http.post(
                f"{oauth}/v2/accessToken",
                data={
                    "grant_type": "authorization_code",
                    "code": code,
                    "redirect_uri": REDIRECT_URI,
                    "client_id": SANDBOX_CLIENT_ID,
                    "client_secret": SANDBOX_CLIENT_SECRET,
                },
                timeout=10,
            )
            assert token.status_code == 200, token.text
            body = token.json()
            refresh = body.get("refresh_token")
            return Connection(
                network=network,
                profile_id=chosen["id"],
                name=chosen.get("name", ""),
                access_token=body["access_token"],
                expires_at=now + timedelta(seconds=int(body["expires_in"])),
                scopes=[s for s in body.get("scope", "").split(",") if s],
                refresh_token=refresh,
                refresh_expires_at=(
                    now + timedelta(seconds=int(body["refresh_token_expires_in"]))
                    if refresh
                    else None
                ),
                raw=body,
            )
        version = django_settings.META_GRAPH_VERSION
        if network == "instagram":
            params = {
                "response_type": "code",
                "client_id": SANDBOX_CLIENT_ID,
                "redirect_uri": REDIRECT_URI,
                "state": state,
                "scope": ",".join(granted),
            }
            code = self._approve(
                f"{self.bases['INSTAGRAM_WWW_BASE']}/oauth/authorize", params, chosen["id"]
            )
            short = self.http.post(
                f"{self.bases['INSTAGRAM_OAUTH_BASE']}/oauth/access_token",
                data={
                    "client_id": SANDBOX_CLIENT_ID,
                    "client_secret": SANDBOX_CLIENT_SECRET,
                    "grant_type": "authorization_code",
                    "redirect_uri": REDIRECT_URI,
                    "code": code,
                },
                timeout=10,
            )
            assert short.status_code == 200, short.text
            long = self.http.get(
                f"{self.bases['INSTAGRAM_GRAPH_BASE']}/access_token",
                params={
                    "grant_type": "ig_exchange_token",
                    "client_secret": SANDBOX_CLIENT_SECRET,
                    "access_token": short.json()["access_token"],
                },
                timeout=10,
            )
            assert long.status_code == 200, long.text
            body = long.json()
            return Connection(
                network=network,
                profile_id=str(short.json()["user_id"]),
                name=chosen.get("name", ""),
                access_token=body["access_token"],
                expires_at=now + timedelta(seconds=int(body["expires_in"])),
                scopes=list(short.json().get("permissions", granted)),
                raw={"short": short.json(), "long": body, "username": chosen.get("username")},
            )
        if network == "facebook":
            params = {
                "response_type": "code",
                "client_id": SANDBOX_CLIENT_ID,
                "redirect_uri": REDIRECT_URI,
                "state": state,
                "scope": ",".join(granted),
            }
            code = self._approve(
                f"{self.bases['FACEBOOK_WWW_BASE']}/{version}/dialog/oauth", params, chosen["id"]
            )
            graph = f"{self.bases['META_GRAPH_BASE']}/{version}"
            short = self.http.get(
                f"{graph}/oauth/access_token",
                params={
                    "client_id": SANDBOX_CLIENT_ID,
                    "client_secret": SANDBOX_CLIENT_SECRET,
                    "redirect_uri": REDIRECT_URI,
                    "code": code,
                },
                timeout=10,
            )
            assert short.status_code == 200, short.text
            long = self.http.get(
                f"{graph}/oauth/access_token",
                params={
                    "grant_type": "fb_exchange_token",
                    "client_id": SANDBOX_CLIENT_ID,
                    "client_secret": SANDBOX_CLIENT_SECRET,
                    "fb_exchange_token": short.json()["access_token"],
                },
                timeout=10,
            )
            assert long.status_code == 200, long.text
            body = long.json()
            pages = self.http.get(
                f"{graph}/me/accounts",
                params={
                    "fields": "id,name,access_token,tasks",
                    "access_token": body["access_token"],
                },
                timeout=10,
            )
            assert pages.status_code == 200, pages.text
            return Connection(
                network=network,
                profile_id=chosen["id"],
                name=chosen.get("name", ""),
                access_token=body["access_token"],
                expires_at=now + timedelta(seconds=int(body["expires_in"])),
                scopes=list(granted),
                pages=pages.json()["data"],
                raw=body,
            )
        raise ValueError(f"the sandbox has no OAuth flow for {network!r}")

    def network_account(
        self, user: Any, connection: Connection, *, page_id: str | None = None, **fields: Any
    ) -> Any:
        """Save a connected ``social.models.NetworkAccount`` for ``user`` from ``connection``.

        LinkedIn and Instagram: the member's/professional account. Facebook: one managed page
        (``page_id``, default the first) with its page token, kind ``page``.
        """
        from social.models import AccountKind, NetworkAccount

        if connection.network == "facebook":
            page = connection.page(page_id)
            values: dict[str, Any] = {
                "kind": AccountKind.PAGE,
                "external_id": page["id"],
                "display_name": page["name"],
                "extra": {"user_id": connection.profile_id, "tasks": page.get("tasks", [])},
            }
            token, expires_at = page["access_token"], None
        else:
            values = {
                "kind": (
                    AccountKind.PROFESSIONAL
                    if connection.network == "instagram"
                    else AccountKind.MEMBER
                ),
                "external_id": connection.profile_id,
                "display_name": connection.name,
                "extra": (
                    {"author_urn": connection.author_urn}
                    if connection.network == "linkedin"
                    else {}
                ),
            }
            token, expires_at = connection.access_token, connection.expires_at
        values.update(fields)
        account = NetworkAccount(
            user=user, network=connection.network, scopes=connection.scopes, **values
        )
        account.set_tokens(
            access_token=token,
            expires_at=expires_at,
            refresh_token=connection.refresh_token,
            refresh_expires_at=connection.refresh_expires_at,
        )
        account.last_refreshed_at = timezone.now()
        account.save()
        return account


@pytest.fixture(scope="session")
def sandbox_server() -> Iterator[str]:
    """One sandbox server for the whole test session (its URL)."""
    url, stop = start_in_thread(port=0)
    yield url
    stop()


@pytest.fixture
def sandbox(sandbox_server: str, settings: Any) -> Iterator[Sandbox]:
    """A clean sandbox for this test, with every network base pointed at it."""
    box = Sandbox(sandbox_server)
    box.reset()
    settings.SOCIAL_SANDBOX_URL = sandbox_server
    settings.NETWORK_BASES = dict(box.bases)
    settings.LINKEDIN_CLIENT_ID = settings.INSTAGRAM_APP_ID = settings.META_APP_ID = (
        SANDBOX_CLIENT_ID
    )
    settings.LINKEDIN_CLIENT_SECRET = settings.INSTAGRAM_APP_SECRET = settings.META_APP_SECRET = (
        SANDBOX_CLIENT_SECRET
    )
    # The sandbox serves images on 127.0.0.1; let the SSRF guard reach it in tests only.
    settings.SAFE_HTTP_ALLOW_LOOPBACK_FOR_TESTS = True
    cache.clear()
    yield box
    cache.clear()
    box.http.close()


# ---- A real Celery worker for the publishing path ------------------------------------------


@pytest.fixture
def publishing_worker(tmp_path: Any, monkeypatch: pytest.MonkeyPatch, transactional_db: None):
    """A real Celery worker (solo pool, in a thread) consuming every Chorus queue; see
    tests/celery_support.py for how its broker is kept private."""
    from tests.celery_support import isolated_app, running_worker

    with running_worker(isolated_app(tmp_path, monkeypatch, results=True)) as worker:
        yield worker


# ---- A web server for preview images (a stand-in for a third-party site) ------------------------


def png_bytes(color: tuple[int, int, int] = (200, 40, 40), size: tuple[int, int] = (8, 8)) -> bytes:
    """A small valid PNG."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture(scope="session")
def image_server() -> Iterator[str]:
    """``{url}/preview.png`` is a PNG, ``{url}/page.html`` is not an image (loopback, for tests)."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    bodies = {"/preview.png": (png_bytes(), "image/png"), "/page.html": (b"<p>hi</p>", "text/html")}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body, content_type = bodies.get(self.path, (b"", "text/plain"))
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
