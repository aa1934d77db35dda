"""The framework floor of the tracked-link redirect: a view that answers a fixed 302 (with
the redirect's headers) and does no database or cache work (bench only)."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from advocacy.views.health import healthz

FLOOR_TARGET = "https://example.com/landing?utm_source=linkedin&utm_medium=employee_advocacy"


def fixed_redirect(request: HttpRequest, code: str) -> HttpResponse:
    response = HttpResponse(status=302)
    response["Location"] = FLOOR_TARGET
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("s/<str:code>", fixed_redirect, name="tracked_link_redirect"),
]
