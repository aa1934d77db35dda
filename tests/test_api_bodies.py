"""Request bodies no API endpoint may answer with a 500 or an HTML page (issue 12, items 2
and 3): JSON nested thousands of levels deep, and a body over the upload limit, sent with a
session (CSRF checked, as a browser would) and with a personal token; and every other error
under ``/api/`` (unknown URL, 405, a view's bug), with ``DEBUG`` off and on."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import include, path, resolve
from rest_framework.parsers import JSONParser as DRFJSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from advocacy import urls as project_urls
from advocacy.api.base import ANY_MEMBER, OrgScopedViewSet
from advocacy.api.parsers import JSON_MAX_DEPTH, JSONParser
from advocacy.models import Department
from advocacy.services.tokens import api_token_create

from .isolation_support import collect_kwarg_factories, discover_org_routes, route_values
from .test_api_errors import assert_error_shape

NESTED = "[" * 2000 + "]" * 2000  # 4 KB: Python's decoder recurses once per level
API_ROUTES = [r for r in discover_org_routes() if r.kind == "api"]
BODY_METHODS = ("post", "put", "patch")


class BuggyViewSet(OrgScopedViewSet):
    model = Department
    capabilities = {"list": ANY_MEMBER}

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        raise RuntimeError("a bug")


router = SimpleRouter()
router.register("buggy", BuggyViewSet, basename="buggy")
urlpatterns = [
    path("api/v1/orgs/<slug:org_slug>/", include(router.urls)),
    *project_urls.urlpatterns,
]


def session_client(user: Any, org_slug: str) -> tuple[Client, dict[str, str]]:
    """A browser's session: CSRF enforced, the token sent in its header."""
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(user)
    client.get(f"/o/{org_slug}/")
    return client, {"HTTP_X_CSRFTOKEN": client.cookies["csrftoken"].value}


def token_client(user: Any) -> tuple[Client, dict[str, str]]:
    _, raw = api_token_create(actor=user, name="probe")
    return Client(raise_request_exception=False), {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture(params=["session", "token"])
def caller(request, world) -> tuple[Client, dict[str, str]]:
    if request.param == "session":
        return session_client(world.a.admin, world.a.org.slug)
    return token_client(world.a.admin)


# --- Item 2: deeply nested JSON ---------------------------------------------------------


def test_deeply_nested_json_is_a_400_on_every_write_route(world, caller):
    client, headers = caller
    registry = collect_kwarg_factories()
    parse_errors, answered = 0, []
    for route in API_ROUTES:
        methods = route.allowed_methods() or frozenset()
        url = route.url(route_values(route, world.a, registry))
        for method in sorted(methods & set(BODY_METHODS)):
            resp = getattr(client, method)(url, NESTED, content_type="application/json", **headers)
            answered.append((method, route.template, resp.status_code))
            assert resp.status_code < 500, (method, route.template, resp.content[:300])
            if resp.status_code >= 400:
                assert "code" in resp.json(), (method, route.template, resp.content[:300])
                assert_error_shape(resp, resp.status_code, resp.json()["code"])
            if resp.status_code == 400 and resp.json()["code"] == "parse_error":
                parse_errors += 1
    # Most write routes read their body (some refuse first: 403/404/405 or a state check).
    assert parse_errors >= 20, answered
    resp = client.post("/api/v1/tokens/", NESTED, content_type="application/json", **headers)
    assert assert_error_shape(resp, 400, "parse_error") == {
        "detail": [f"The JSON is nested more than {JSON_MAX_DEPTH} levels deep."]
    }


def test_json_just_past_the_nesting_limit_is_refused_and_at_it_accepted(world, caller):
    client, headers = caller
    url = f"/api/v1/orgs/{world.a.org.slug}/departments/"

    def nested_name(depth: int) -> str:  # {"name": [[…["x"]…]]}: depth counts the object
        return '{"name": ' + "[" * (depth - 1) + '"x"' + "]" * (depth - 1) + "}"

    too_deep = client.post(url, nested_name(JSON_MAX_DEPTH + 1), "application/json", **headers)
    assert_error_shape(too_deep, 400, "parse_error")
    at_limit = client.post(url, nested_name(JSON_MAX_DEPTH), "application/json", **headers)
    assert_error_shape(at_limit, 400, "invalid")  # parsed; the name is not a string


def test_every_api_view_parses_json_with_the_nesting_limit():
    for route in API_ROUTES:
        view = route.view_class
        json_parsers = [p for p in view.parser_classes if issubclass(p, DRFJSONParser)]
        assert json_parsers and all(issubclass(p, JSONParser) for p in json_parsers), route.label
    for url in ("/api/v1/tokens/", "/api/v1/me/", "/api/v1/schema/"):
        view = resolve(url).func.cls  # type: ignore[attr-defined]  # set by as_view()
        assert all(
            issubclass(p, JSONParser) for p in view.parser_classes if issubclass(p, DRFJSONParser)
        ), url


# --- Item 3: a body too large, and every other error, in the error format ----------------


@pytest.mark.parametrize("debug", [False, True], ids=["debug-off", "debug-on"])
def test_a_body_over_the_upload_limit_is_a_413_in_the_error_format(world, caller, settings, debug):
    settings.DEBUG = debug
    client, headers = caller
    body = json.dumps({"name": "x" * (django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})
    for url in (f"/api/v1/orgs/{world.a.org.slug}/departments/", "/api/v1/tokens/"):
        resp = client.post(url, body, content_type="application/json", **headers)
        errors = assert_error_shape(resp, 413, "request_too_large")
        assert errors == {"detail": ["The request body is too large."]}
    assert not Department.objects.filter(name__startswith="xxx").exists()


@pytest.mark.parametrize("debug", [False, True], ids=["debug-off", "debug-on"])
def test_unknown_api_urls_and_unmapped_methods_answer_in_the_error_format(
    world, caller, settings, debug
):
    settings.DEBUG = debug
    client, headers = caller
    for url in ("/api/v1/no-such-thing/", "/api/nothing", f"/api/v1/orgs/{world.a.org.slug}/x/"):
        assert_error_shape(client.get(url, **headers), 404, "not_found")
        resp = client.post(url, "{}", content_type="application/json", **headers)
        assert_error_shape(resp, 404, "not_found")
    resp = client.put(
        f"/api/v1/orgs/{world.a.org.slug}/departments/", "{}", "application/json", **headers
    )
    assert_error_shape(resp, 405, "method_not_allowed")
    assert "POST" in resp["Allow"]
    resp = client.post(f"/api/v1/orgs/{world.a.org.slug}/", "{}", "application/json", **headers)
    assert_error_shape(resp, 405, "method_not_allowed")
    resp = client.post(
        f"/api/v1/orgs/{world.a.org.slug}/departments/", "{", "application/json", **headers
    )
    assert_error_shape(resp, 400, "parse_error")


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("debug", [False, True], ids=["debug-off", "debug-on"])
def test_a_bug_in_a_view_is_a_500_in_the_error_format(world, caller, settings, debug):
    settings.DEBUG = debug
    client, headers = caller
    resp = client.get(f"/api/v1/orgs/{world.a.org.slug}/buggy/", **headers)
    errors = assert_error_shape(resp, 500, "server_error")
    assert errors == {"detail": ["Something went wrong on our side."]}
    assert "a bug" not in resp.content.decode()


def test_pages_keep_their_html_errors(world, client):
    client.force_login(world.a.admin)
    resp = client.get("/o/no-such-org/")
    assert resp.status_code == 404 and resp["Content-Type"].startswith("text/html")
