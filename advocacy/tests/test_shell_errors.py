"""Friendly 403/404/500 pages with their status codes when DEBUG is off.

This module doubles as a URLconf (``pytest.mark.urls``): the real routes plus one view
that fails, so that the 500 handler is exercised end to end.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import path

from advocacy.urls import urlpatterns as real_urlpatterns


def _boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("kaboom")


def _forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


urlpatterns = [
    path("boom/", _boom),
    path("api/v1/boom/", _boom),
    path("forbidden/", _forbidden),
    *real_urlpatterns,
]
handler403 = "advocacy.errors.permission_denied"
handler404 = "advocacy.errors.page_not_found"
handler500 = "advocacy.errors.server_error"

pytestmark = pytest.mark.urls(__name__)


@pytest.fixture(autouse=True)
def _debug_off(settings):
    settings.DEBUG = False


def test_404_page(client, world):
    client.force_login(world.a.employee)
    resp = client.get("/no/such/page/")
    assert resp.status_code == 404
    html = resp.content.decode()
    assert "We could not find that page" in html
    assert 'class="topbar"' in html  # the shell, with its way back


def test_404_for_a_foreign_organization_is_the_friendly_page(client, world):
    client.force_login(world.a.employee)
    resp = client.get(f"/o/{world.b.org.slug}/")
    assert resp.status_code == 404
    assert "We could not find that page" in resp.content.decode()


def test_403_page(client, world):
    client.force_login(world.a.employee)
    resp = client.get("/forbidden/")
    assert resp.status_code == 403
    assert "You cannot do that here" in resp.content.decode()


def test_500_page(client, db):
    client.raise_request_exception = False
    resp = client.get("/boom/")
    assert resp.status_code == 500
    html = resp.content.decode()
    assert "Something went wrong on our side" in html
    assert "kaboom" not in html


def test_api_paths_get_the_api_error_format(client, db):
    client.raise_request_exception = False
    resp = client.get("/api/v1/no-such-thing/")
    assert resp.status_code == 404
    assert resp.json()["code"] == "not_found"
    resp = client.get("/api/v1/boom/")
    assert resp.status_code == 500
    assert resp.json()["code"] == "server_error"


def test_error_pages_are_translated(client, world):
    world.a.employee.language = "lt"
    world.a.employee.save()
    client.force_login(world.a.employee)
    resp = client.get("/no/such/page/")
    assert resp.status_code == 404
    assert 'lang="lt"' in resp.content.decode()
    assert "We could not find that page" not in resp.content.decode()


def test_favicon_ico_points_at_the_static_icon(client):
    resp = client.get("/favicon.ico")
    assert resp.status_code == 301
    assert resp["Location"].endswith("img/favicon.svg")
