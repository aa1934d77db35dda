"""The Content-Security-Policy of every page (django-csp; the policy is
``CONTENT_SECURITY_POLICY`` in settings), with one part that is read per request.

``form-action 'self'`` alone would break connecting a network: the Connect button posts to
allauth, which redirects to the network's consent page, and Chromium applies
``form-action`` to that redirect too. The network bases are configuration
(``NETWORK_BASES``, pointed at the sandbox in the demo and in tests), so their origins are
added to ``form-action`` when the header is written, never frozen at import time.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

#: The NETWORK_BASES whose pages a browser is sent to (the OAuth consent pages).
_BROWSER_FACING_SUFFIXES = ("_OAUTH_BASE", "_WWW_BASE")


def network_form_origins() -> list[str]:
    origins: set[str] = set()
    for name, base in getattr(settings, "NETWORK_BASES", {}).items():
        if not name.endswith(_BROWSER_FACING_SUFFIXES):
            continue
        parts = urlsplit(base)
        if parts.scheme in ("http", "https") and parts.netloc:
            origins.add(f"{parts.scheme}://{parts.netloc}")
    return sorted(origins)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if report_only:
            return parts
        origins = network_form_origins()
        if origins:
            update = dict(parts.update or {})
            extra = update.get("form-action") or []
            update["form-action"] = [*([extra] if isinstance(extra, str) else extra), *origins]
            parts.update = update
        return parts
