"""API request rates (issue 12, item 17) and the client's address behind a proxy (item 19).

The rates are the settings' (``API_THROTTLE_*``); each test sets small ones, as an operator
would, and hits them over real HTTP: per person, per personal token, without credentials
(per address, bad tokens included), and for creating tokens. The cache is the default one
(Redis in CI), cleared around each test."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from rest_framework.test import APIClient

from advocacy.services.tokens import api_token_create

from .test_api_errors import assert_error_shape

LOOSE = "1000/minute"


@pytest.fixture
def rates(settings):
    """``rates(user="3/minute", …)``: the API's rates for this test (others stay loose)."""

    def set_rates(num_proxies: int | None = None, **scopes: str) -> None:
        framework = dict(settings.REST_FRAMEWORK)
        framework["DEFAULT_THROTTLE_RATES"] = {
            scope: scopes.get(scope, LOOSE) for scope in ("anon", "user", "token", "auth")
        }
        if num_proxies is not None:
            framework["NUM_PROXIES"] = num_proxies
        settings.REST_FRAMEWORK = framework

    cache.clear()
    yield set_rates
    cache.clear()


def token_for(user: Any, name: str = "t") -> APIClient:
    _, raw = api_token_create(actor=user, name=name)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def assert_throttled(resp: Any) -> None:
    assert_error_shape(resp, 429, "throttled")
    assert 0 < int(resp["Retry-After"]) <= 60


def test_a_person_is_throttled_across_session_and_tokens(world, rates):
    rates(user="3/minute")
    me = "/api/v1/me/"
    session = APIClient()
    session.force_login(world.a.admin)
    org = f"/api/v1/orgs/{world.a.org.slug}/"
    assert [session.get(url).status_code for url in (me, org, me)] == [200, 200, 200]
    assert_throttled(session.get(me))
    assert_throttled(session.get(f"{org}members/"))
    assert_throttled(token_for(world.a.admin).get(me))  # the same person, another credential
    other = APIClient()
    other.force_login(world.a.employee)
    assert other.get(me).status_code == 200


def test_each_token_has_its_own_rate(world, rates):
    rates(token="2/minute")
    first, second = token_for(world.a.admin, "ci"), token_for(world.a.admin, "sync")
    url = f"/api/v1/orgs/{world.a.org.slug}/departments/"
    assert [first.get(url).status_code for _ in range(2)] == [200, 200]
    assert_throttled(first.get(url))
    assert second.get(url).status_code == 200
    session = APIClient()
    session.force_login(world.a.admin)
    assert session.get(url).status_code == 200  # a session is not a token


def test_requests_without_credentials_are_throttled_per_address(world, rates):
    rates(anon="3/minute")
    url = f"/api/v1/orgs/{world.a.org.slug}/"
    anonymous = APIClient(REMOTE_ADDR="203.0.113.10")
    assert_error_shape(anonymous.get(url), 401, "not_authenticated")
    assert_error_shape(anonymous.get("/api/v1/me/"), 401, "not_authenticated")
    # A guessed token is refused and counts against the same address.
    anonymous.credentials(HTTP_AUTHORIZATION="Bearer chorus_guess")
    assert_error_shape(anonymous.get(url), 401, "not_authenticated")
    assert_throttled(anonymous.get(url))
    anonymous.credentials()
    assert_throttled(anonymous.get("/api/v1/schema/"))
    assert_error_shape(APIClient(REMOTE_ADDR="203.0.113.11").get(url), 401, "not_authenticated")
    # Signed-in requests from that address are counted per person, not per address.
    signed_in = APIClient(REMOTE_ADDR="203.0.113.10")
    signed_in.force_login(world.a.employee)
    assert signed_in.get(url).status_code == 200


def test_creating_tokens_has_the_stricter_authentication_rate(world, rates):
    rates(auth="2/minute")
    client = APIClient()
    client.force_login(world.a.admin)
    for name in ("one", "two"):
        assert client.post("/api/v1/tokens/", {"name": name}, format="json").status_code == 201
    assert_throttled(client.post("/api/v1/tokens/", {"name": "three"}, format="json"))
    assert client.get("/api/v1/tokens/").status_code == 200  # listing is not authenticating
    other = APIClient()
    other.force_login(world.a.employee)
    assert other.post("/api/v1/tokens/", {"name": "x"}, format="json").status_code == 201


def test_the_rates_come_from_the_environment():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "advocacy.settings",
        "SECRET_KEY": "k" * 60,
        "DEBUG": "false",
        "API_THROTTLE_ANON": "7/minute",
        "API_THROTTLE_USER": "8/minute",
        "API_THROTTLE_TOKEN": "9/minute",
        "API_THROTTLE_AUTH": "4/hour",
        "TRUSTED_PROXY_COUNT": "2",
    }
    code = (
        "from django.conf import settings as s; r = s.REST_FRAMEWORK; "
        "print(r['DEFAULT_THROTTLE_RATES'], r['NUM_PROXIES'], s.ALLAUTH_TRUSTED_PROXY_COUNT, "
        "s.TRUSTED_PROXY_COUNT)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("}")
    rates = eval(out[0] + "}")  # noqa: S307 - our own settings, printed by our own code
    assert rates == {"anon": "7/minute", "user": "8/minute", "token": "9/minute", "auth": "4/hour"}
    assert out[1].split() == ["2", "2", "2"]
    default = django_settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]
    assert [c.rsplit(".", 1)[1] for c in default] == [
        "AnonThrottle",
        "UserThrottle",
        "TokenThrottle",
    ]


# --- Item 19: the client's address behind a reverse proxy --------------------------------

PROXY = "10.0.0.2"  # what every request's REMOTE_ADDR is behind the proxy


def _via_proxy(client_ip: str) -> dict[str, str]:
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": client_ip}


@pytest.mark.parametrize("count", [1, 0])
def test_api_throttles_tell_clients_behind_the_proxy_apart_only_when_it_is_trusted(
    world, rates, count
):
    rates(anon="2/minute", num_proxies=count)
    url = f"/api/v1/orgs/{world.a.org.slug}/"
    alice, bob = (
        APIClient(enforce_csrf_checks=False, **_via_proxy("198.51.100.1")),
        APIClient(enforce_csrf_checks=False, **_via_proxy("198.51.100.2")),
    )
    assert [alice.get(url).status_code for _ in range(2)] == [401, 401]
    assert alice.get(url).status_code == 429
    # Trusted (1): Bob is another client. Not trusted (0): the header is ignored, so Bob
    # is the proxy's address like Alice, already over the limit (a forged header gains nothing).
    assert bob.get(url).status_code == (401 if count else 429)


def _fail_logins(client: Any, prefix: str, times: int) -> str:
    html = ""
    for attempt in range(times):
        resp = client.post(
            "/accounts/login/", {"login": f"{prefix}{attempt}@example.com", "password": "wrong"}
        )
        assert resp.status_code in (200, 429)
        html = resp.content.decode()
    return html


@pytest.mark.parametrize("count", [1, 0])
def test_login_rate_limits_tell_clients_behind_the_proxy_apart_only_when_it_is_trusted(
    world, settings, count
):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = count
    cache.clear()
    alice = APIClient(enforce_csrf_checks=False, **_via_proxy("198.51.100.3"))
    bob = APIClient(enforce_csrf_checks=False, **_via_proxy("198.51.100.4"))
    limited = "Too many failed login attempts"
    assert limited not in _fail_logins(alice, "alice", 5)
    assert limited in _fail_logins(alice, "alice-again", 1)
    assert (limited in _fail_logins(bob, "bob", 1)) is (count == 0)
    cache.clear()


def test_compose_sets_the_proxy_count_and_the_readme_documents_the_settings():
    from .test_compose import SERVICES

    web_env = SERVICES["web"]["environment"]
    assert web_env["TRUSTED_PROXY_COUNT"] == "${TRUSTED_PROXY_COUNT:-0}"  # web has no proxy here
    readme = (django_settings.BASE_DIR / "README.md").read_text()
    for name in (
        "TRUSTED_PROXY_COUNT",
        *(f"API_THROTTLE_{s}" for s in ("ANON", "USER", "TOKEN", "AUTH")),
    ):
        assert f"| `{name}` |" in readme, name
