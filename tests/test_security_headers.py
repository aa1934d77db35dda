"""Security headers: Content-Security-Policy (django-csp), Permissions-Policy, and the HSTS,
frame, referrer, content-type and cookie settings beside them.

The production check runs the real settings in a subprocess with DEBUG=false and a clean
environment (as tests/test_settings.py does), so nothing from the test settings (which turn
HSTS and secure cookies off) can hide a missing header.
"""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from .test_settings import PRODUCTION, run_manage

#: A production deployment: on HTTPS.
PRODUCTION_HTTPS = {**PRODUCTION, "ALLOWED_HOSTS": "testserver", "SITE_URL": "https://testserver"}

MARK = "HEADERS-JSON:"

EXPECTED_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:", "https:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "frame-ancestors": ["'none'"],
}
#: The networks' consent pages a Connect form is redirected to (the default NETWORK_BASES).
NETWORK_FORM_ORIGINS = [
    "https://api.instagram.com",
    "https://www.facebook.com",
    "https://www.instagram.com",
    "https://www.linkedin.com",
]
DENIED_FEATURES = ("camera", "microphone", "geolocation", "payment", "usb")


def parse_csp(header: str) -> dict[str, list[str]]:
    policy: dict[str, list[str]] = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            assert words[0] not in policy, f"directive {words[0]} twice in {header!r}"
            policy[words[0]] = words[1:]
    return policy


def assert_page_policy(header: str, *, plain_http_site: bool = False) -> None:
    policy = parse_csp(header)
    form_action = policy.pop("form-action")
    expected = dict(EXPECTED_CSP)
    if plain_http_site:  # development and the tests (SITE_URL on http://)
        expected["img-src"] = [*expected["img-src"], "http:"]
    assert policy == expected
    assert form_action[0] == "'self'"
    assert "'unsafe-inline'" not in header and "'unsafe-eval'" not in header


def assert_permissions_policy(header: str) -> None:
    features = dict(item.strip().split("=", 1) for item in header.split(","))
    for feature in DENIED_FEATURES:
        assert features[feature] == "()", header


PROBE = (
    "from django.conf import settings as s\n"
    # The manifest of collected static files does not exist in a fresh checkout; where
    # static files come from has nothing to do with the headers.
    "s.STORAGES['staticfiles']['BACKEND'] = "
    "'django.contrib.staticfiles.storage.StaticFilesStorage'\n"
    "import json\n"
    "from django.test import Client\n"
    "c = Client()\n"
    "out = {'debug': s.DEBUG, 'settings': {k: getattr(s, k) for k in ("
    "'SESSION_COOKIE_SECURE', 'SESSION_COOKIE_HTTPONLY', 'CSRF_COOKIE_SECURE', "
    "'SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS')}}\n"
    "for path in ('/healthz', '/no-such-page/', '/api/v1/docs/'):\n"
    "    r = c.get(path, secure=True)\n"
    "    out[path] = {'status': r.status_code, 'headers': dict(r.headers)}\n"
    "r = c.get('/healthz', secure=False)\n"
    "out['plain-http'] = {'status': r.status_code, 'headers': dict(r.headers)}\n"
    f"print({MARK!r} + json.dumps(out))\n"
)


@pytest.fixture(scope="module")
def production(tmp_path_factory) -> dict:
    tmp_path = tmp_path_factory.mktemp("headers")
    result = run_manage(tmp_path, "shell", "-c", PROBE, **PRODUCTION_HTTPS)
    assert result.returncode == 0, result.stderr
    line = next(ln for ln in result.stdout.splitlines() if ln.startswith(MARK))
    return json.loads(line[len(MARK) :])


@pytest.mark.parametrize("path", ["/healthz", "/no-such-page/"])
def test_production_responses_carry_every_security_header(production, path):
    assert production["debug"] is False
    answer = production[path]
    assert answer["status"] == (200 if path == "/healthz" else 404)
    h = answer["headers"]
    assert_page_policy(h["Content-Security-Policy"])
    assert parse_csp(h["Content-Security-Policy"])["form-action"] == [
        "'self'",
        *NETWORK_FORM_ORIGINS,
    ]
    assert_permissions_policy(h["Permissions-Policy"])
    assert h["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert h["X-Frame-Options"] == "DENY"
    assert h["Referrer-Policy"] == "same-origin"
    assert h["X-Content-Type-Options"] == "nosniff"
    assert h["Cross-Origin-Opener-Policy"] == "same-origin"


def test_production_cookie_and_redirect_settings_are_kept(production):
    assert production["settings"] == {
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    }
    # Plain HTTP is sent to HTTPS first (the health check alone is exempt, for the proxy).
    assert production["plain-http"]["status"] == 200


def test_the_api_docs_keep_their_own_policy(production):
    h = production["/api/v1/docs/"]["headers"]
    assert production["/api/v1/docs/"]["status"] == 200
    policy = parse_csp(h["Content-Security-Policy"])
    # Redoc starts from an inline script; the rest stays on our origin.
    assert policy["default-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert_permissions_policy(h["Permissions-Policy"])
    assert h["Strict-Transport-Security"].startswith("max-age=31536000")


@pytest.mark.django_db
def test_pages_of_a_signed_in_member_carry_the_policy(client, world, settings):
    settings.NETWORK_BASES = {
        **settings.NETWORK_BASES,
        "LINKEDIN_OAUTH_BASE": "http://127.0.0.1:8123/linkedin/oauth",
    }
    assert settings.SITE_URL.startswith("http://")
    response = client.get(reverse("account_login"))
    assert_page_policy(response["Content-Security-Policy"], plain_http_site=True)
    client.force_login(world.a.employee)
    for url in (
        reverse("content_feed", kwargs={"org_slug": world.a.org.slug}),
        reverse("networks_mine", kwargs={"org_slug": world.a.org.slug}),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_page_policy(response["Content-Security-Policy"], plain_http_site=True)
        assert_permissions_policy(response["Permissions-Policy"])
        # The network bases are read per request: a sandbox started by a test is allowed.
        assert (
            "http://127.0.0.1:8123" in parse_csp(response["Content-Security-Policy"])["form-action"]
        )
