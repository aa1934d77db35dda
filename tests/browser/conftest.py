"""Fixtures of the browser tests: Chromium, Celery (eager or a real worker) and a local
web site. Helpers that do not need pytest live in ``tests/browser/support.py``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings as django_settings

from .support import LocalSite, launched_chromium, local_site, require_chromium


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    require_chromium()
    with launched_chromium() as chromium:
        yield chromium


@pytest.fixture
def eager_celery(settings) -> Iterator[None]:
    """Tasks run in the thread that enqueues them (the live server's)."""
    from advocacy.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = True
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


def _forget_connections(app: Any) -> None:
    """Drop pooled broker connections so changed transport options take effect."""
    app._pool = None
    amqp = app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None


@pytest.fixture
def celery_worker(tmp_path, monkeypatch, transactional_db: None) -> Iterator[Any]:
    """A real Celery worker in a thread of this process, consuming every Chorus queue on
    the configured broker. It shares the test database with the live server. On the
    file-system broker the queue folders move to a temporary directory, so a concurrent
    ``make run`` or test run never takes this test's messages (nor it theirs)."""
    from celery.contrib.testing.worker import start_worker

    from advocacy.celery import app

    if app.conf.broker_url.startswith("filesystem://"):
        folders = {name: tmp_path / name for name in ("queue", "processed", "control")}
        for folder in folders.values():
            folder.mkdir()
        monkeypatch.setitem(
            app.conf,
            "broker_transport_options",
            {
                **django_settings.CELERY_BROKER_TRANSPORT_OPTIONS,
                "data_folder_in": str(folders["queue"]),
                "data_folder_out": str(folders["queue"]),
                "processed_folder": str(folders["processed"]),
                "control_folder": str(folders["control"]),
            },
        )
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    _forget_connections(app)
    app.control.purge()  # messages of earlier tests name rows that are gone
    try:
        with start_worker(
            app,
            pool="solo",
            concurrency=1,
            perform_ping_check=False,
            queues=list(django_settings.CHORUS_QUEUES),
            loglevel="WARNING",
            shutdown_timeout=30,
        ) as worker:
            yield worker
    finally:
        _forget_connections(app)


@pytest.fixture
def loopback_site(settings) -> Iterator[LocalSite]:
    """A web site on 127.0.0.1 that the product may fetch (the SSRF guard allows loopback
    only under this test flag, and only with the test settings or DEBUG)."""
    settings.SAFE_HTTP_ALLOW_LOOPBACK_FOR_TESTS = True
    with local_site() as site:
        yield site
