"""Request rates of the API (DRF throttling), kept in the default cache (Redis).

* ``anon``: requests without valid credentials, per client address; a request with a bad
  token counts here too, so guessing tokens is throttled (see ``ApiViewMixin.initial``).
* ``user``: per person, whatever they sign in with (session or any of their tokens).
* ``token``: per personal API token, so one runaway integration does not use up its
  owner's whole allowance.
* ``auth``: authentication endpoints (creating a personal API token), per person.

The rates come from ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` (environment variables
``API_THROTTLE_*``, see README) and are read on each request, so a test can override them.
The client address is ``REMOTE_ADDR``, or behind ``TRUSTED_PROXY_COUNT`` proxies the
``X-Forwarded-For`` hop that many places from the right (DRF's ``NUM_PROXIES``). A 429
carries ``Retry-After`` and the API's error format. A cache that fails counts nothing and
lets the request through (``advocacy.soft_cache``).
"""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from ..models import ApiToken
from ..soft_cache import soft_cache


class _ApiThrottle(SimpleRateThrottle):
    cache = soft_cache  # type: ignore[assignment]

    def get_rate(self) -> str | None:
        # Read on each request (DRF binds the rates once, at import).
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope or "")
        return None if rate is None else str(rate)

    def key(self, ident: Any) -> str | None:  # type: ignore[override]  # stubs: an attribute
        return self.cache_format % {"scope": self.scope, "ident": ident}


class AnonThrottle(_ApiThrottle):
    scope = "anon"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if request.user and request.user.is_authenticated:
            return None
        return self.key(self.get_ident(request))


class UserThrottle(_ApiThrottle):
    scope = "user"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if not (request.user and request.user.is_authenticated):
            return None
        return self.key(request.user.pk)


class TokenThrottle(_ApiThrottle):
    scope = "token"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if not isinstance(request.auth, ApiToken):
            return None
        return self.key(request.auth.pk)


class AuthThrottle(_ApiThrottle):
    """For views of authentication endpoints only (``throttle_classes`` of the action)."""

    scope = "auth"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if request.user and request.user.is_authenticated:
            return self.key(f"user-{request.user.pk}")
        return self.key(f"ip-{self.get_ident(request)}")


#: ``DEFAULT_THROTTLE_CLASSES``: every API view has these.
DEFAULT_THROTTLES = (AnonThrottle, UserThrottle, TokenThrottle)
