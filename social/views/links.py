"""The public tracked-link redirect: ``/s/<code>`` -> the stored target URL.

No session, no login, no tenant in the URL: one cached lookup by code, a hand-off of the
click (social.services.clicks), and a 302 to the stored ``target_url``. Nothing from the request
(query, headers, path beyond the code) ever influences where the redirect goes.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from ..selectors.links import link_target_get
from ..services.clicks import click_event_build, click_record


@require_safe
def tracked_link_redirect(request: HttpRequest, code: str) -> HttpResponse:
    target = link_target_get(code)
    # Unknown, disabled, or a stored target that is not an http(s) URL: the same 404.
    if (
        target is None
        or not target.is_active
        or urlsplit(target.target_url).scheme not in ("http", "https")
    ):
        raise Http404
    click_record(click_event_build(request, target))
    response = HttpResponse(status=302)
    response["Location"] = target.target_url
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response
