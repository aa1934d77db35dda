"""The one HTTP client every connector uses: ``requests`` with timeouts, no redirects, typed errors.

Responses are mapped to the errors of ``social.connectors.base`` following SOCIAL_APIS.md:

* LinkedIn (``{"status", "serviceErrorCode", "code", "message"}``): 401 -> ``ReauthRequired``;
  403 / serviceErrorCode 100 -> ``PermissionMissing``; 422 ``DUPLICATE_POST`` (in
  ``errorDetails.inputErrors[].code``) -> ``Duplicate``; other 4xx -> ``Rejected``; 429 ->
  ``RateLimited`` (``Retry-After``; ``MEMBER`` throttles are per account); 5xx -> ``Transient``.
* Meta Graph (``{"error": {"message", "type", "code", "error_subcode"}}``): 1, 2 -> ``Transient``;
  4, 17, 32, 341, 613, 80001-80014 -> ``RateLimited`` (wait from ``X-Business-Use-Case-Usage``
  ``estimated_time_to_regain_access`` or ``Retry-After``); 190 -> ``ReauthRequired``; 10, 200-299
  -> ``PermissionMissing``; 368 -> ``RateLimited`` (a policy block: wait); 506 -> ``Duplicate``;
  subcode 2207042 -> ``QuotaExceeded``; other 2207xxx -> ``Rejected``.
* Connection errors and read timeouts: on a *create* call the request may have been carried out,
  so ``UnknownOutcome``; on reads ``Transient``. A gateway's 504 on a create is ``UnknownOutcome``
  too. A connection that was never made (refused, connect timeout) is ``Transient`` either way.

Every error is counted per network and error class (``social.connectors.error_counts``), so
broken connections show up on the admins' network-health page.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from requests.cookies import RequestsCookieJar

from .base import (
    ConnectorError,
    Duplicate,
    PermissionMissing,
    QuotaExceeded,
    RateLimited,
    ReauthRequired,
    Rejected,
    Transient,
    UnknownOutcome,
)
from .error_counts import error_count_record

log = logging.getLogger(__name__)

USER_AGENT = "Chorus/1.0 (employee advocacy)"
GRAPH_THROTTLE_CODES = frozenset({4, 17, 32, 341, 613}) | frozenset(range(80001, 80015))
GRAPH_APP_THROTTLE_CODES = frozenset({4, 341})
LINKEDIN_REAUTH_SERVICE_CODES = frozenset({65600, 65601, 65602, 65603, 65604})
#: LinkedIn's DUPLICATE_POST message names the original: "Content is a duplicate of urn:li:share:…".
LINKEDIN_DUPLICATE_OF = re.compile(r"duplicate of (urn:li:(?:share|ugcPost):[0-9A-Za-z_-]+)")

#: Connections kept open per network and worker process (a Celery worker's threads and
#: the metrics pull's per-account pool share them).
POOL_SIZE = 16

_sessions: dict[str, requests.Session] = {}
_sessions_pid = 0
_sessions_lock = threading.Lock()


class _NoCookies(RequestsCookieJar):
    """The APIs are stateless: a cookie one member's call got must never ride along another's."""

    def set_cookie(self, cookie, *args, **kwargs):
        return None


def session_for(network: str) -> requests.Session:
    """The one ``requests.Session`` of ``network`` in this process: its keep-alive connections
    are reused by every call and thread. A forked worker process gets its own (sockets are
    never shared across processes). Calls pass everything per request (token headers,
    timeouts), so sharing a session across threads shares nothing but the connection pool."""
    global _sessions_pid
    pid = os.getpid()
    session = _sessions.get(network) if _sessions_pid == pid else None
    if session is not None:
        return session
    with _sessions_lock:
        if _sessions_pid != pid:
            _sessions.clear()  # inherited from the parent process: not ours to use
            _sessions_pid = pid
        session = _sessions.get(network)
        if session is None:
            session = requests.Session()
            session.headers["User-Agent"] = USER_AGENT
            session.cookies = _NoCookies()
            adapter = HTTPAdapter(pool_connections=4, pool_maxsize=POOL_SIZE, pool_block=False)
            session.mount("https://", adapter)
            session.mount("http://", adapter)
            _sessions[network] = session
        return session


def default_retry_after() -> float:
    return float(getattr(settings, "SOCIAL_RATE_LIMIT_DEFAULT_SECONDS", 300))


# ---- the client -------------------------------------------------------------------------------


def _json(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _retry_after_header(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _seconds_to_midnight_utc() -> float:
    now = datetime.now(UTC)
    midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return (midnight - now).total_seconds()


class HttpClient:
    """Speaks one network's HTTP dialect (``linkedin`` or ``graph``) and raises typed errors."""

    def __init__(self, network: str, dialect: str) -> None:
        self.network = network
        self.dialect = dialect

    def request(
        self,
        method: str,
        url: str,
        *,
        create: bool = False,
        params: dict[str, Any] | None = None,
        json_body: Any = None,
        data: Any = None,
        headers: dict[str, str] | None = None,
        timeout: float | None = None,
    ) -> requests.Response:
        """Send one request; return the 2xx response or raise a typed ``ConnectorError``.

        ``create=True`` marks calls that create something on the network (not idempotent).
        """
        try:
            try:
                response = session_for(self.network).request(
                    method,
                    url,
                    params=params,
                    json=json_body,
                    data=data,
                    headers=headers,
                    timeout=timeout or settings.SOCIAL_HTTP_TIMEOUT,
                    allow_redirects=False,
                )
            except requests.ConnectTimeout as exc:
                raise Transient(f"Could not reach {self.network}: {exc}", code="connect") from exc
            except requests.ConnectionError as exc:
                if _never_connected(exc):
                    raise Transient(f"Could not reach {self.network}.", code="connect") from exc
                if create:
                    raise UnknownOutcome(
                        f"The connection to {self.network} broke before it answered.",
                        code="connection",
                    ) from exc
                raise Transient(
                    f"The connection to {self.network} broke.", code="connection"
                ) from exc
            except requests.Timeout as exc:
                if create:
                    raise UnknownOutcome(
                        f"{self.network} did not answer in time.", code="timeout"
                    ) from exc
                raise Transient(f"{self.network} did not answer in time.", code="timeout") from exc
            if response.status_code < 300:
                return response
            raise self.error_for(response, create=create)
        except ConnectorError as error:
            error_count_record(self.network, error)
            log.info(
                "%s %s %s -> %s %s",
                self.network,
                method,
                url.split("?")[0],
                type(error).__name__,
                error.message,
            )
            raise

    # ---- mapping ------------------------------------------------------------------------------

    def error_for(self, response: requests.Response, *, create: bool = False) -> ConnectorError:
        status = response.status_code
        body = _json(response)
        if 300 <= status < 400:
            return Transient(
                f"{self.network} answered with an unexpected redirect ({status}).",
                code="redirect",
                status=status,
            )
        if status == 504 and create:
            return UnknownOutcome(
                f"{self.network} timed out behind its gateway (504).", code="504", status=status
            )
        if isinstance(body, dict) and isinstance(body.get("error"), dict):
            return self._graph_error(response, body["error"])
        if self.dialect == "linkedin" and isinstance(body, dict):
            return self._linkedin_error(response, body)
        if isinstance(body, dict) and "error" in body:  # OAuth 2.0 token endpoint shape
            return self._oauth_error(response, body)
        if isinstance(body, dict) and "error_type" in body:  # api.instagram.com's own shape
            return self._oauth_error(
                response,
                {"error": body.get("error_type"), "error_description": body.get("error_message")},
            )
        return self._status_error(response, f"{self.network} answered {status}.")

    def _status_error(self, response: requests.Response, message: str) -> ConnectorError:
        status = response.status_code
        if status == 429:
            return RateLimited(
                message,
                retry_after=_retry_after_header(response) or default_retry_after(),
                scope="app",
                code="429",
                status=status,
            )
        if status >= 500:
            return Transient(message, code=str(status), status=status)
        if status == 401:
            return ReauthRequired(message, code="401", status=status)
        if status == 403:
            return PermissionMissing(message, code="403", status=status)
        return Rejected(message, code=str(status), status=status)

    def _linkedin_error(self, response: requests.Response, body: dict[str, Any]) -> ConnectorError:
        status = response.status_code
        message = str(body.get("message") or f"LinkedIn answered {status}.")
        service_code = body.get("serviceErrorCode")
        code = str(body.get("code") or service_code or status)
        input_codes = {
            str(e.get("code"))
            for e in (body.get("errorDetails") or {}).get("inputErrors") or []
            if isinstance(e, dict)
        }
        if status == 429:
            retry_after = _retry_after_header(response)
            if retry_after is None:  # daily quotas reset at midnight UTC
                retry_after = _seconds_to_midnight_utc()
            scope = "account" if "MEMBER" in message.upper() else "app"
            return RateLimited(
                message, retry_after=retry_after, scope=scope, code=code, status=status
            )
        if status == 401 or service_code in LINKEDIN_REAUTH_SERVICE_CODES:
            return ReauthRequired(message, code=code, status=status)
        if status == 403:
            return PermissionMissing(message, code=code, status=status)
        if "DUPLICATE_POST" in input_codes:
            named = LINKEDIN_DUPLICATE_OF.search(message)
            return Duplicate(
                message,
                code="DUPLICATE_POST",
                status=status,
                existing_id=named[1] if named else "",
            )
        if status >= 500:
            return Transient(message, code=code, status=status)
        if status == 404:
            return Rejected(message, code="not_found", status=status)
        return Rejected(message, code=code, status=status)

    def _graph_error(self, response: requests.Response, error: dict[str, Any]) -> ConnectorError:
        status = response.status_code
        try:
            code = int(error.get("code") or 0)
        except (TypeError, ValueError):
            code = 0
        try:
            subcode = int(error.get("error_subcode") or 0)
        except (TypeError, ValueError):
            subcode = 0
        message = str(
            error.get("error_user_msg") or error.get("message") or f"{self.network} error {code}"
        )
        tag = f"{code}/{subcode}" if subcode else str(code)
        if subcode == 2207042:
            return QuotaExceeded(
                message,
                retry_after=_retry_after_header(response) or 3600.0,
                scope="account",
                code=tag,
                status=status,
            )
        if 2207000 <= subcode <= 2207999:
            return Rejected(message, code=tag, status=status)
        if code in GRAPH_THROTTLE_CODES:
            return RateLimited(
                message,
                retry_after=self._graph_wait(response),
                scope="app" if code in GRAPH_APP_THROTTLE_CODES else "account",
                code=tag,
                status=status,
            )
        if code == 368:
            return RateLimited(
                message,
                retry_after=max(3600.0, _retry_after_header(response) or 0.0),
                scope="account",
                code=tag,
                status=status,
            )
        if code == 190 or code == 102 or code == 104:
            return ReauthRequired(message, code=tag, status=status)
        if code == 10 or 200 <= code <= 299:
            return PermissionMissing(message, code=tag, status=status)
        if code == 506:
            return Duplicate(message, code=tag, status=status)
        if code in (1, 2) or error.get("is_transient") is True or status >= 500:
            return Transient(message, code=tag, status=status)
        if code == 100 and subcode == 33:
            return Rejected(message, code="not_found", status=status)
        return Rejected(message, code=tag, status=status)

    def _graph_wait(self, response: requests.Response) -> float:
        """Seconds until Meta lifts a throttle, from its usage headers when it says."""
        waits: list[float] = []
        header = _retry_after_header(response)
        if header is not None:
            waits.append(header)
        raw = response.headers.get("X-Business-Use-Case-Usage")
        if raw:
            try:
                usage = json.loads(raw)
            except ValueError:
                usage = {}
            for entries in usage.values() if isinstance(usage, dict) else []:
                for entry in entries if isinstance(entries, list) else []:
                    minutes = (
                        entry.get("estimated_time_to_regain_access")
                        if isinstance(entry, dict)
                        else None
                    )
                    if isinstance(minutes, int | float) and minutes > 0:
                        waits.append(float(minutes) * 60)
        return max(waits) if waits else default_retry_after()

    def _oauth_error(self, response: requests.Response, body: dict[str, Any]) -> ConnectorError:
        status = response.status_code
        error = str(body.get("error") or "")
        message = str(body.get("error_description") or error or f"{self.network} answered {status}")
        if status == 429 or "rate" in error.lower():
            return RateLimited(
                message,
                retry_after=_retry_after_header(response) or default_retry_after(),
                scope="app",
                code=error or "429",
                status=status,
            )
        if status >= 500 or error == "server_error":
            return Transient(message, code=error or str(status), status=status)
        if error in ("invalid_grant", "invalid_token", "unauthorized_client") or status == 401:
            return ReauthRequired(message, code=error or "401", status=status)
        return Rejected(message, code=error or str(status), status=status)


def _never_connected(exc: requests.ConnectionError) -> bool:
    """True when the connection was refused or could not be made (the request never left)."""
    from urllib3.exceptions import NameResolutionError, NewConnectionError

    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, NewConnectionError | NameResolutionError | ConnectionRefusedError):
            return True
        reason = getattr(current, "reason", None)
        if isinstance(reason, NewConnectionError | NameResolutionError):
            return True
        nested = (
            current.args[0] if current.args and isinstance(current.args[0], BaseException) else None
        )
        current = nested or current.__cause__ or current.__context__
    return False
