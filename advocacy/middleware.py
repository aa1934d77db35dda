"""Interface language: a signed-in user's saved choice wins over the browser's."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


class UserLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        lang = getattr(user, "language", "") if user is not None and user.is_authenticated else ""
        if lang and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            translation.activate(lang)
            request.LANGUAGE_CODE = lang
        return self.get_response(request)
