"""``/healthz``: what load balancers and the container HEALTHCHECK probe. It reports the
database, cache and broker it is configured with (embedded defaults, or PostgreSQL and
Redis when DATABASE_URL/REDIS_URL are set) and answers 503 naming the part that fails."""

from __future__ import annotations

import socket

import pytest
from django.conf import settings

from advocacy.celery import app as celery_app


def closed_port() -> int:
    """A local port nothing listens on: bound once, then released."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.django_db
def test_healthy_against_the_configured_services(client):
    resp = client.get("/healthz")
    assert resp.status_code == 200
    body = resp.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker"}
    for name, check in body["checks"].items():
        assert check["ok"] is True, (name, check)
    assert "no-cache" in resp["Cache-Control"] or "max-age=0" in resp["Cache-Control"]
    assert celery_app.conf.broker_url == settings.CELERY_BROKER_URL


@pytest.mark.django_db
def test_healthz_needs_no_login(client):
    assert client.get("/healthz").status_code == 200  # anonymous, no redirect to login


@pytest.mark.django_db
def test_unreachable_broker_answers_503_naming_it(client, monkeypatch):
    dead = f"redis://127.0.0.1:{closed_port()}/0"
    monkeypatch.setitem(celery_app.conf, "broker_url", dead)
    monkeypatch.setitem(celery_app.conf, "broker_write_url", None)
    monkeypatch.setitem(celery_app.conf, "broker_transport_options", {})

    resp = client.get("/healthz")

    assert resp.status_code == 503
    body = resp.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["broker"]["ok"] is False
    assert body["checks"]["broker"]["error"]
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["cache"]["ok"] is True


@pytest.mark.django_db
def test_broker_setting_is_restored_after_the_failure_test(client):
    # Runs after the monkeypatched test in file order: the real broker is back.
    assert celery_app.conf.broker_url == settings.CELERY_BROKER_URL
    assert client.get("/healthz").json()["checks"]["broker"]["ok"] is True
