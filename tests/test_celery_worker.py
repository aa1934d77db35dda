"""Celery with a real worker on the configured broker: Celery's file-system transport on
embedded defaults, Redis when REDIS_URL is set (CI). The worker runs in a thread of this
process, so it shares the test database and an in-memory result store.

On the file-system broker the queue folders are moved to a temporary directory for the
test, so concurrent test runs (or a local ``make run``) never take each other's messages.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from celery import Celery
from django.conf import settings
from django.utils import timezone

from advocacy.celery import app as celery_app
from advocacy.tasks import invitations_expire
from tests.factories import InvitationFactory

from .celery_support import forget_connections, isolated_app, running_worker

RESULT_TIMEOUT = 30


@celery_app.task(name="social.tasks.publish_routing_probe", bind=True)
def publish_routing_probe(self: Any) -> str:
    return self.request.delivery_info.get("routing_key")


@celery_app.task(name="analytics.tasks.metrics_routing_probe", bind=True)
def metrics_routing_probe(self: Any) -> str:
    return self.request.delivery_info.get("routing_key")


@celery_app.task(name="tests.tasks.bulk_routing_probe", bind=True)
def bulk_routing_probe(self: Any) -> str:
    return self.request.delivery_info.get("routing_key")


@celery_app.task(name="tests.tasks.plain_routing_probe", bind=True)
def plain_routing_probe(self: Any) -> str:
    return self.request.delivery_info.get("routing_key")


PROBES = (publish_routing_probe, metrics_routing_probe, bulk_routing_probe, plain_routing_probe)


@pytest.fixture
def worker_app(tmp_path, monkeypatch) -> Iterator[Celery]:
    app = isolated_app(tmp_path, monkeypatch, results=True)
    for task in (invitations_expire, *PROBES):
        monkeypatch.setattr(task, "ignore_result", False)
    yield app
    forget_connections(app)


@pytest.fixture
def worker(worker_app: Celery, transactional_db: None) -> Iterator[Any]:
    with running_worker(worker_app) as w:
        yield w


def test_worker_runs_a_delayed_task_against_the_database(worker):
    past = timezone.now() - timedelta(days=1)
    for _ in range(3):
        InvitationFactory(expires_at=past)
    InvitationFactory()  # still pending
    InvitationFactory(expires_at=past, accepted_at=timezone.now())  # answered
    assert worker_expected_transport() in worker.app.connection().transport_cls

    result = invitations_expire.delay()

    assert result.get(timeout=RESULT_TIMEOUT) == 3
    assert result.successful()


def worker_expected_transport() -> str:
    return "filesystem" if settings.CELERY_BROKER_URL.startswith("filesystem") else "redis"


def test_worker_consumes_every_chorus_queue(worker):
    assert set(worker.app.amqp.queues.consume_from) == set(settings.CHORUS_QUEUES)
    results = {q: plain_routing_probe.apply_async(queue=q) for q in settings.CHORUS_QUEUES}
    for queue, result in results.items():
        assert result.get(timeout=RESULT_TIMEOUT) == queue


def test_tasks_travel_on_the_queue_their_name_routes_them_to(worker):
    sent = {
        "publishing": publish_routing_probe.delay(),
        "metrics": metrics_routing_probe.delay(),
        "bulk": bulk_routing_probe.delay(),
        "default": plain_routing_probe.delay(),
    }
    for queue, result in sent.items():
        assert result.get(timeout=RESULT_TIMEOUT) == queue


# --- Routing table (no worker needed) -------------------------------------------------


def route_of(name: str) -> str:
    return celery_app.amqp.router.route({}, name)["queue"].name


@pytest.mark.parametrize(
    ("task_name", "queue"),
    [
        ("social.tasks.publish_x", "publishing"),
        ("social.tasks.publish_share", "publishing"),
        ("social.tasks.reconcile_shares", "publishing"),
        ("analytics.tasks.metrics_pull", "metrics"),
        ("social.tasks.metrics_fetch_batch", "metrics"),
        ("content_library.tasks.bulk_import", "bulk"),
        ("advocacy.tasks.bulk_invitations_send", "bulk"),
        ("advocacy.tasks.invitations_expire", "default"),
        ("campaigns.tasks.digest_send", "default"),
    ],
)
def test_task_routes(task_name: str, queue: str) -> None:
    assert route_of(task_name) == queue


def test_routes_and_queues_agree_with_settings():
    declared = [q.name for q in celery_app.conf.task_queues]
    assert tuple(declared) == tuple(settings.CHORUS_QUEUES)
    assert celery_app.conf.task_default_queue in settings.CHORUS_QUEUES
    for pattern, route in settings.CELERY_TASK_ROUTES.items():
        assert route["queue"] in settings.CHORUS_QUEUES, pattern


def test_app_uses_the_configured_broker():
    assert celery_app.conf.broker_url == settings.CELERY_BROKER_URL
    assert "advocacy.tasks.invitations_expire" in celery_app.tasks
