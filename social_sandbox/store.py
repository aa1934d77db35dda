"""The sandbox's in-memory state: one JSON-able dict behind a re-entrant lock.

Every handler runs while holding ``Store.lock``; the state is optionally written to a JSON file
after each changing request (``--state-file``), atomically (write a temporary file, then rename).
Time comes from ``Store.now()``, which tests move through the clock admin endpoint.
"""

from __future__ import annotations

import copy
import json
import os
import secrets
import tempfile
import threading
import time
from collections import deque
from typing import Any

DAY = 86400

DEFAULT_CLIENT_ID = "chorus-sandbox-client"
DEFAULT_CLIENT_SECRET = "chorus-sandbox-secret"  # noqa: S105 - a public demo credential

DEFAULT_CONFIG: dict[str, Any] = {
    # OAuth
    "code_ttl_seconds": 600,
    "linkedin_token_ttl_seconds": 60 * DAY,
    "linkedin_refresh_token_ttl_seconds": 365 * DAY,
    "instagram_short_token_ttl_seconds": 3600,
    "instagram_long_token_ttl_seconds": 60 * DAY,
    "instagram_refresh_min_age_seconds": DAY,
    "facebook_short_token_ttl_seconds": 2 * 3600,
    "facebook_long_token_ttl_seconds": 60 * DAY,
    "id_token_ttl_seconds": 3600,
    # LinkedIn: versions older than this many months (or in the future) answer 426; 0 accepts any.
    "linkedin_version_window_months": 12,
    "linkedin_duplicate_window_seconds": DAY,
    "linkedin_upload_url_ttl_seconds": DAY,
    # Instagram
    "instagram_quota_total": 100,
    "instagram_quota_duration": DAY,
    "instagram_in_progress_polls": 1,
    "instagram_container_ttl_seconds": DAY,
    # Insights answer an empty data set until a post is this old (Meta's data may lag).
    "insights_lag_seconds": 0,
    # Facebook
    "facebook_duplicate_window_seconds": DAY,
    # Faults
    "timeout_delay_seconds": 2.0,
    # Long enough for a create the network finishes late (LinkedIn was seen at 45 s).
    "max_timeout_delay_seconds": 60.0,
    "retry_after_seconds": 60,
    # Debug log
    "request_log_size": 200,
}


def _seed_profiles() -> dict[str, list[dict[str, Any]]]:
    return {
        "linkedin": [
            {
                "id": "sbxAda01",
                "name": "Ada Lovelace",
                "given_name": "Ada",
                "family_name": "Lovelace",
                "email": "ada.lovelace@example.com",
                "connections": 500,
                "followers": 1200,
            },
            {
                "id": "sbxGrace2",
                "name": "Grace Hopper",
                "given_name": "Grace",
                "family_name": "Hopper",
                "email": "grace.hopper@example.com",
                "connections": 2100,
                "followers": 8500,
            },
            {
                "id": "sbxAlan03",
                "name": "Alan Turing",
                "given_name": "Alan",
                "family_name": "Turing",
                "email": "alan.turing@example.com",
                "connections": 90,
                "followers": 150,
            },
        ],
        "instagram": [
            {
                "id": "17841400000000011",
                "username": "ada.builds",
                "name": "Ada Lovelace",
                "followers": 3400,
            },
            {
                "id": "17841400000000012",
                "username": "grace.ships",
                "name": "Grace Hopper",
                "followers": 52000,
            },
            {
                "id": "17841400000000013",
                "username": "alan.thinks",
                "name": "Alan Turing",
                "followers": 210,
            },
        ],
        "facebook": [
            {
                "id": "10000000000000021",
                "name": "Ada Lovelace",
                "email": "ada.lovelace@example.com",
                "followers": 640,
                "pages": [
                    {
                        "id": "100000000000101",
                        "name": "Ada's Analytical Bakery",
                        "category": "Bakery",
                        "followers": 2300,
                        "tasks": ["ADVERTISE", "ANALYZE", "CREATE_CONTENT", "MODERATE", "MANAGE"],
                    }
                ],
            },
            {
                "id": "10000000000000022",
                "name": "Grace Hopper",
                "email": "grace.hopper@example.com",
                "followers": 4100,
                "pages": [
                    {
                        "id": "100000000000102",
                        "name": "Acme Corporation",
                        "category": "Company",
                        "followers": 48000,
                        "tasks": ["ADVERTISE", "ANALYZE", "CREATE_CONTENT", "MODERATE", "MANAGE"],
                        # Instagram API with Facebook Login: the page's linked business account.
                        "instagram_business_account": "17841400000000012",
                    },
                    {
                        "id": "100000000000103",
                        "name": "COBOL Appreciation Society",
                        "category": "Community",
                        "followers": 15000,
                        "tasks": ["ANALYZE", "CREATE_CONTENT"],
                    },
                ],
            },
            {
                "id": "10000000000000023",
                "name": "Alan Turing",
                "email": "alan.turing@example.com",
                "followers": 95,
                "pages": [],
            },
        ],
    }


def _fresh_state() -> dict[str, Any]:
    return {
        "version": 1,
        "seq": 1000,
        "clock": {"offset": 0.0, "fixed": None},
        "config": copy.deepcopy(DEFAULT_CONFIG),
        "apps": {
            DEFAULT_CLIENT_ID: {
                "client_id": DEFAULT_CLIENT_ID,
                "client_secret": DEFAULT_CLIENT_SECRET,
                "name": "Chorus (sandbox)",
                "redirect_uris": [],
                "linkedin_refresh_tokens": False,
            }
        },
        "profiles": _seed_profiles(),
        "codes": {},
        "tokens": {},
        "linkedin": {"posts": {}, "images": {}, "uploads": {}},
        "instagram": {"containers": {}, "media": {}},
        "facebook": {"posts": {}, "shares": []},
        # Chat webhooks (social_sandbox/chat.py): what each platform accepted.
        "chat": {"slack": [], "teams": []},
        "faults": [],
    }


class Store:
    """Thread-safe holder of the sandbox's state (hold ``lock`` while reading or writing it)."""

    def __init__(self, state_file: str | None = None) -> None:
        self.lock = threading.RLock()
        self.state_file = state_file
        self.state: dict[str, Any] = _fresh_state()
        self.signing_key_pem: str | None = None
        self.requests: deque[dict[str, Any]] = deque(maxlen=DEFAULT_CONFIG["request_log_size"])
        if state_file and os.path.exists(state_file):
            self.load()

    # ---- persistence -------------------------------------------------------------------------
    def load(self) -> None:
        assert self.state_file
        with open(self.state_file, encoding="utf-8") as fh:
            data = json.load(fh)
        with self.lock:
            self.signing_key_pem = data.pop("signing_key_pem", None)
            state = _fresh_state()
            state.update(data)
            state["config"] = {**DEFAULT_CONFIG, **data.get("config", {})}
            self.state = state

    def save(self) -> None:
        if not self.state_file:
            return
        with self.lock:
            payload = dict(self.state, signing_key_pem=self.signing_key_pem)
            directory = os.path.dirname(os.path.abspath(self.state_file))
            fd, tmp = tempfile.mkstemp(prefix=".sandbox-", suffix=".json", dir=directory)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(payload, fh, indent=1, sort_keys=True)
            os.replace(tmp, self.state_file)

    def reset(self, *, state: bool = True, faults: bool = True, clock: bool = True) -> None:
        with self.lock:
            if state:
                kept_faults = self.state["faults"]
                kept_clock = self.state["clock"]
                self.state = _fresh_state()
                if not faults:
                    self.state["faults"] = kept_faults
                if not clock:
                    self.state["clock"] = kept_clock
            if faults:
                self.state["faults"] = []
            if clock:
                self.state["clock"] = {"offset": 0.0, "fixed": None}

    # ---- time, config and ids ----------------------------------------------------------------
    def now(self) -> float:
        clock = self.state["clock"]
        if clock.get("fixed") is not None:
            return float(clock["fixed"])
        return time.time() + float(clock.get("offset") or 0.0)

    @property
    def config(self) -> dict[str, Any]:
        return self.state["config"]

    def next_seq(self) -> int:
        with self.lock:
            self.state["seq"] += 1
            return self.state["seq"]

    @staticmethod
    def random_token(prefix: str, length: int = 48) -> str:
        return prefix + secrets.token_urlsafe(length)[:length]

    # ---- apps and profiles -------------------------------------------------------------------
    def app(self, client_id: str | None) -> dict[str, Any] | None:
        if not client_id:
            return None
        return self.state["apps"].get(client_id)

    def check_client(self, client_id: str | None, client_secret: str | None) -> bool:
        app = self.app(client_id)
        return app is not None and secrets.compare_digest(
            str(app["client_secret"]), str(client_secret or "")
        )

    def profiles(self, network: str) -> list[dict[str, Any]]:
        return self.state["profiles"][network]

    def profile(self, network: str, profile_id: str | None) -> dict[str, Any] | None:
        for profile in self.state["profiles"].get(network, []):
            if profile["id"] == profile_id:
                return profile
        return None

    def facebook_page(self, page_id: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """Return (page, owning user profile) for a Facebook page id."""
        for user in self.state["profiles"]["facebook"]:
            for page in user.get("pages", []):
                if page["id"] == page_id:
                    return page, user
        return None

    # ---- tokens ------------------------------------------------------------------------------
    def issue_token(
        self,
        *,
        network: str,
        kind: str,
        prefix: str,
        client_id: str,
        subject: str,
        scopes: list[str],
        ttl: float | None,
        **extra: Any,
    ) -> dict[str, Any]:
        now = self.now()
        value = self.random_token(prefix)
        record = {
            "token": value,
            "network": network,
            "kind": kind,
            "client_id": client_id,
            "subject": subject,
            "scopes": list(scopes),
            "created_at": now,
            "expires_at": None if ttl is None else now + ttl,
            "revoked": False,
            **extra,
        }
        self.state["tokens"][value] = record
        return record

    def token(self, value: str | None) -> dict[str, Any] | None:
        if not value:
            return None
        return self.state["tokens"].get(value)

    def token_status(self, record: dict[str, Any] | None) -> str:
        """'valid', 'missing', 'revoked' or 'expired'."""
        if record is None:
            return "missing"
        if record.get("revoked"):
            return "revoked"
        if record.get("expires_at") is not None and self.now() >= record["expires_at"]:
            return "expired"
        return "valid"

    # ---- request log -------------------------------------------------------------------------
    def log_request(self, entry: dict[str, Any]) -> None:
        with self.lock:
            size = int(self.config.get("request_log_size") or 200)
            if self.requests.maxlen != size:
                self.requests = deque(self.requests, maxlen=size)
            self.requests.append(entry)
