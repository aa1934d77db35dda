"""Fetching URLs that users typed, without letting them reach our own network (SSRF).

``safe_get`` resolves the host itself, refuses any address that is not public
(private, loopback, link-local, multicast, reserved, unspecified, shared/CGNAT,
IPv4-mapped or NAT64-embedded versions of those), then connects to *that vetted IP*
while keeping the ``Host`` header and TLS SNI/certificate check on the original name,
so a second DNS answer cannot swap the address (DNS rebinding). Redirects are followed
by hand, each hop vetted the same way. The body is streamed with a byte cap and an
overall deadline.

Loopback may be allowed only for tests, by overriding the setting
``SAFE_HTTP_ALLOW_LOOPBACK_FOR_TESTS`` (never read from the environment); even then
private and link-local networks stay refused, and the flag is ignored unless the
process runs the test settings or DEBUG.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import time
from dataclasses import dataclass, field
from urllib.parse import SplitResult, unquote, urljoin, urlsplit

import certifi
import urllib3
from django.conf import settings

__all__ = [
    "FetchFailed",
    "SafeHttpError",
    "SafeResponse",
    "TooLarge",
    "UnsafeURL",
    "is_public_address",
    "safe_get",
    "safe_post_json",
]

USER_AGENT = "ChorusBot/1.0 (+link previews; employee advocacy)"
_REDIRECTS = {301, 302, 303, 307, 308}
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class SafeHttpError(Exception):
    """Base of the typed errors; ``str(err)`` is safe to show to the person who typed the URL."""


class UnsafeURL(SafeHttpError):
    """The URL, or a redirect it leads to, is not allowed (scheme or address)."""


class FetchFailed(SafeHttpError):
    """The server could not be reached, timed out, or answered with an error."""


class TooLarge(SafeHttpError):
    """The response is bigger than the caller allowed."""


@dataclass
class SafeResponse:
    url: str
    status_code: int
    headers: dict[str, str]
    content: bytes
    truncated: bool = False
    redirects: list[str] = field(default_factory=list)

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def encoding(self) -> str | None:
        for part in self.headers.get("content-type", "").split(";")[1:]:
            key, _, value = part.strip().partition("=")
            if key.lower() == "charset" and value:
                return value.strip("\"' ")
        return None

    @property
    def text(self) -> str:
        enc = self.encoding or "utf-8"
        try:
            return self.content.decode(enc, errors="replace")
        except LookupError:
            return self.content.decode("utf-8", errors="replace")


def _loopback_allowed() -> bool:
    if not getattr(settings, "SAFE_HTTP_ALLOW_LOOPBACK_FOR_TESTS", False):
        return False
    # Honoured only under the test settings or DEBUG: never in production.
    return bool(
        settings.DEBUG or os.environ.get("DJANGO_SETTINGS_MODULE") == "advocacy.settings_test"
    )


def _allow_listed_on_loopback(parts: SplitResult) -> bool:
    """True when the URL lies under one of ``SAFE_HTTP_LOOPBACK_ALLOWLIST``'s prefixes
    (same scheme, host and port; a path under the prefix's path, without ``..``). The list
    names only our own site's demo files (``content_library/static/content_library/demo/``),
    so the offline demo can import its feed; nothing else on loopback is reachable."""
    prefixes = getattr(settings, "SAFE_HTTP_LOOPBACK_ALLOWLIST", ()) or ()
    path = unquote(parts.path or "/")
    if ".." in path.split("/") or "\\" in path:
        return False
    for prefix in prefixes:
        allowed = urlsplit(prefix)
        if (parts.scheme.lower(), (parts.hostname or "").lower(), parts.port) == (
            allowed.scheme.lower(),
            (allowed.hostname or "").lower(),
            allowed.port,
        ) and path.startswith(allowed.path or "/"):
            return True
    return False


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    return None


def is_public_address(address: str, *, allow_loopback: bool = False) -> bool:
    """True when ``address`` is a globally routable unicast address."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        inner = _embedded_ipv4(ip)
        if inner is not None:
            return is_public_address(str(inner), allow_loopback=allow_loopback)
    if ip.is_loopback:
        return allow_loopback
    return not (
        ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


def _vet(url: str, allowed_schemes: tuple[str, ...], deadline: float) -> tuple[str, str, int, str]:
    """(scheme, host, port, vetted ip) for ``url``, or UnsafeURL."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise UnsafeURL(f"Not a valid address: {url[:200]}") from exc
    scheme = parts.scheme.lower()
    if scheme not in allowed_schemes:
        raise UnsafeURL(f"Only {', '.join(allowed_schemes)} addresses can be fetched.")
    host = parts.hostname
    if not host:
        raise UnsafeURL("The address has no host name.")
    if parts.username or parts.password:
        raise UnsafeURL("Addresses with a user name or password are not fetched.")
    port = port or (443 if scheme == "https" else 80)
    if time.monotonic() > deadline:
        raise FetchFailed("Timed out.")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError) as exc:
        raise FetchFailed(f"Could not resolve {host}.") from exc
    # SOCK_STREAM answers are (host, port, ...) tuples: the host is always a string.
    addresses = [str(info[4][0]) for info in infos]
    if not addresses:
        raise FetchFailed(f"Could not resolve {host}.")
    allow_loopback = _loopback_allowed() or _allow_listed_on_loopback(parts)
    # Every answer must be public: picking "a good one" invites round-robin tricks.
    for address in addresses:
        if not is_public_address(address, allow_loopback=allow_loopback):
            raise UnsafeURL(f"{host} points to a private or reserved network address.")
    return scheme, host, port, addresses[0].split("%", 1)[0]


def _pool(scheme: str, host: str, ip: str, port: int, timeout: urllib3.Timeout):
    if scheme == "https":
        return urllib3.HTTPSConnectionPool(
            ip,
            port,
            timeout=timeout,
            maxsize=1,
            retries=False,
            server_hostname=host,
            assert_hostname=host,
            cert_reqs="CERT_REQUIRED",
            ca_certs=certifi.where(),
        )
    return urllib3.HTTPConnectionPool(ip, port, timeout=timeout, maxsize=1, retries=False)


def safe_get(
    url: str,
    *,
    max_bytes: int,
    timeout: float,
    allowed_schemes: tuple[str, ...] = ("http", "https"),
    max_redirects: int = 5,
    truncate: bool = False,
    headers: dict[str, str] | None = None,
) -> SafeResponse:
    """GET ``url`` safely. ``truncate=True`` returns the first ``max_bytes`` instead of
    raising ``TooLarge`` (enough for an HTML head). Error statuses raise ``FetchFailed``."""
    deadline = time.monotonic() + timeout
    current = url
    hops: list[str] = []
    for _hop in range(max_redirects + 1):
        scheme, host, port, ip = _vet(current, allowed_schemes, deadline)
        parts = urlsplit(current)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        default_port = 443 if scheme == "https" else 80
        host_header = host if ":" not in host else f"[{host}]"
        if port != default_port:
            host_header = f"{host_header}:{port}"
        remaining = max(deadline - time.monotonic(), 0.05)
        pool = _pool(scheme, host, ip, port, urllib3.Timeout(connect=remaining, read=remaining))
        request_headers = {
            "Host": host_header,
            "User-Agent": USER_AGENT,
            "Accept": "*/*",
            "Accept-Encoding": "gzip, deflate",
            **(headers or {}),
        }
        try:
            resp = pool.urlopen(
                "GET",
                path,
                headers=request_headers,
                redirect=False,
                retries=False,
                preload_content=False,
                assert_same_host=False,
            )
        except urllib3.exceptions.HTTPError as exc:
            pool.close()
            raise FetchFailed(f"Could not fetch {host}: {type(exc).__name__}.") from exc
        try:
            if resp.status in _REDIRECTS and resp.headers.get("location"):
                hops.append(current)
                current = urljoin(current, resp.headers["location"])
                continue
            if resp.status >= 400:
                raise FetchFailed(f"{host} answered HTTP {resp.status}.")
            declared = resp.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > max_bytes and not truncate:
                raise TooLarge(f"The response is larger than {max_bytes} bytes.")
            chunks: list[bytes] = []
            received = 0
            truncated = False
            try:
                for chunk in resp.stream(16384, decode_content=True):
                    received += len(chunk)
                    if received > max_bytes:
                        if not truncate:
                            raise TooLarge(f"The response is larger than {max_bytes} bytes.")
                        chunks.append(chunk[: len(chunk) - (received - max_bytes)])
                        truncated = True
                        break
                    chunks.append(chunk)
                    if time.monotonic() > deadline:
                        raise FetchFailed(f"{host} took too long to answer.")
            except urllib3.exceptions.HTTPError as exc:
                raise FetchFailed(f"Could not fetch {host}: {type(exc).__name__}.") from exc
            return SafeResponse(
                url=current,
                status_code=resp.status,
                headers={k.lower(): v for k, v in resp.headers.items()},
                content=b"".join(chunks),
                truncated=truncated,
                redirects=hops,
            )
        finally:
            resp.release_conn()
            resp.close()
            pool.close()
    raise FetchFailed("Too many redirects.")


def safe_post_json(
    url: str,
    payload: object,
    *,
    timeout: float,
    max_bytes: int = 64 * 1024,
    allowed_schemes: tuple[str, ...] = ("https",),
    allow_loopback_prefixes: tuple[str, ...] = (),
) -> SafeResponse:
    """POST ``payload`` as JSON to ``url`` (a webhook an admin typed) with the same guard as
    ``safe_get``: every address the host resolves to must be public, the connection goes to
    the vetted address, redirects are not followed (a webhook that moves is an error), the
    answer is capped. ``allow_loopback_prefixes`` names URL prefixes that may be on loopback
    (the sandbox's webhooks in the demo and tests: an operator's setting, never user input).
    Error statuses raise ``FetchFailed`` with the status and the start of the answer."""
    import json

    deadline = time.monotonic() + timeout
    parts = urlsplit(url)
    loopback_ok = any(url.startswith(prefix) for prefix in allow_loopback_prefixes if prefix)
    schemes = (*allowed_schemes, parts.scheme.lower()) if loopback_ok else allowed_schemes
    if loopback_ok:
        scheme, host = parts.scheme.lower(), parts.hostname or ""
        port = parts.port or (443 if scheme == "https" else 80)
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM) if host else []
        except (socket.gaierror, UnicodeError, OSError) as exc:
            raise FetchFailed(f"Could not resolve {host}.") from exc
        addresses = [str(info[4][0]) for info in infos]
        if not addresses or not all(is_public_address(a, allow_loopback=True) for a in addresses):
            raise UnsafeURL(f"{host} points to a private or reserved network address.")
        ip = addresses[0].split("%", 1)[0]
    else:
        scheme, host, port, ip = _vet(url, schemes, deadline)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    default_port = 443 if scheme == "https" else 80
    host_header = host if ":" not in host else f"[{host}]"
    if port != default_port:
        host_header = f"{host_header}:{port}"
    remaining = max(deadline - time.monotonic(), 0.05)
    pool = _pool(scheme, host, ip, port, urllib3.Timeout(connect=remaining, read=remaining))
    body = json.dumps(payload).encode("utf-8")
    try:
        resp = pool.urlopen(
            "POST",
            path,
            body=body,
            headers={
                "Host": host_header,
                "User-Agent": USER_AGENT,
                "Content-Type": "application/json; charset=utf-8",
                "Accept": "*/*",
            },
            redirect=False,
            retries=False,
            preload_content=False,
            assert_same_host=False,
        )
    except urllib3.exceptions.HTTPError as exc:
        pool.close()
        raise FetchFailed(f"Could not reach {host}: {type(exc).__name__}.") from exc
    try:
        content = resp.read(max_bytes, decode_content=True) or b""
        if resp.status >= 300:
            snippet = content[:200].decode("utf-8", "replace")
            raise FetchFailed(f"{host} answered HTTP {resp.status}: {snippet}")
        return SafeResponse(
            url=url,
            status_code=resp.status,
            headers={k.lower(): v for k, v in resp.headers.items()},
            content=content,
        )
    finally:
        resp.release_conn()
        resp.close()
        pool.close()
