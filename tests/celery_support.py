"""A real Celery worker for tests, shared by every test that needs one.

``isolated_app`` points Chorus's Celery app at a private broker: on the file-system
broker (embedded defaults) its folders move under ``tmp_path``, so a concurrent
``make run`` or test run never takes these messages (nor this run theirs); on Redis
(CI) the queues are purged of messages that earlier tests left behind. ``running_worker``
then starts a worker in a thread of this process on every Chorus queue.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from celery import Celery
from django.conf import settings


def forget_connections(app: Celery) -> None:
    """Drop pooled broker connections and cached backends so changed options take effect."""
    state: Any = app  # Celery's private caches, which its stubs do not describe
    state._pool = None
    amqp = app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None
    state._backend_cache = None
    state._local.__dict__.pop("backend", None)


def isolated_app(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, results: bool = False
) -> Celery:
    """Chorus's Celery app on a private broker, sending tasks for real (not eagerly)."""
    from advocacy.celery import app

    if app.conf.broker_url.startswith("filesystem://"):
        folders = {name: tmp_path / f"celery-{name}" for name in ("queue", "processed", "control")}
        for folder in folders.values():
            folder.mkdir(exist_ok=True)
        monkeypatch.setitem(
            app.conf,
            "broker_transport_options",
            {
                **settings.CELERY_BROKER_TRANSPORT_OPTIONS,
                "data_folder_in": str(folders["queue"]),
                "data_folder_out": str(folders["queue"]),
                "processed_folder": str(folders["processed"]),
                "control_folder": str(folders["control"]),
            },
        )
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    if results:
        # Production ignores results (nothing reads them); a test that reads them needs a store.
        monkeypatch.setitem(app.conf, "result_backend", "cache+memory://")
    forget_connections(app)
    app.control.purge()  # messages of earlier tests name rows that are gone
    return app


@contextmanager
def running_worker(app: Celery) -> Iterator[Any]:
    """A worker in a thread of this process, consuming every Chorus queue."""
    from celery.contrib.testing.worker import start_worker

    try:
        with start_worker(
            app,
            pool="solo",
            concurrency=1,
            perform_ping_check=False,
            queues=list(settings.CHORUS_QUEUES),
            loglevel="WARNING",
            shutdown_timeout=30,
        ) as worker:
            yield worker
    finally:
        forget_connections(app)
