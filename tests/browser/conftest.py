"""Fixtures of the browser tests: Chromium, Celery (eager or a real worker) and a local
web site. Helpers that do not need pytest live in ``tests/browser/support.py``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ..celery_support import isolated_app, running_worker
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


@pytest.fixture
def celery_worker(tmp_path, monkeypatch, transactional_db: None) -> Iterator[Any]:
    """A real Celery worker in a thread of this process (see tests/celery_support.py); it
    shares the test database with the live server."""
    with running_worker(isolated_app(tmp_path, monkeypatch)) as worker:
        yield worker


@pytest.fixture
def loopback_site(settings) -> Iterator[LocalSite]:
    """A web site on 127.0.0.1 that the product may fetch (the SSRF guard allows loopback
    only under this test flag, and only with the test settings or DEBUG)."""
    settings.SAFE_HTTP_ALLOW_LOOPBACK_FOR_TESTS = True
    with local_site() as site:
        yield site
