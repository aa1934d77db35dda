"""Interface language: a signed-in user's saved choice wins over the cookie and the browser."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

_SUPPORTED = {code for code, _name in settings.LANGUAGES}


class UserLanguageMiddleware:
    """Runs after authentication; ``LocaleMiddleware`` has already picked the cookie's or
    the browser's language for anonymous visitors."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # An organization's page activates its time zone (advocacy.localization): never
        # let it outlive the request that the thread served before this one.
        timezone.deactivate()
        user = getattr(request, "user", None)
        lang = getattr(user, "language", "") if user is not None and user.is_authenticated else ""
        if lang in _SUPPORTED:
            translation.activate(lang)
            request.LANGUAGE_CODE = lang
        return self.get_response(request)
