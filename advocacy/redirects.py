"""Where to send a person back to: a ``next`` URL from a form or a link is followed only
when it points back into this site (no open redirects)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next_url(request: HttpRequest, candidate: Any) -> str | None:
    """``candidate`` when it is a URL of this site (same host, and HTTPS when the request
    is), else ``None``."""
    if (
        isinstance(candidate, str)
        and candidate
        and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return candidate
    return None


def next_url_or(request: HttpRequest, candidate: Any, fallback: str) -> str:
    """The safe ``candidate``, or ``fallback``."""
    return safe_next_url(request, candidate) or fallback
