"""Quota marks ("blocked until") on the Redis cache: atomic, never shortened."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from social.services import quotas
from social.tests.redis_support import private_redis  # noqa: F401 - fixture


@pytest.fixture
def redis_cache(settings, private_redis):  # noqa: F811
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": private_redis.url,
        }
    }
    cache.clear()
    yield cache
    cache.clear()


def test_a_mark_is_never_shortened(redis_cache):
    long_until = quotas.block("linkedin", seconds=600)
    quotas.block("linkedin", seconds=60)
    until = quotas.blocked_until("linkedin")
    assert until is not None and abs((until - long_until).total_seconds()) < 0.01
    later = quotas.block("linkedin", seconds=900)
    until = quotas.blocked_until("linkedin")
    assert until is not None and until > long_until
    assert abs((until - later).total_seconds()) < 0.01


def test_concurrent_markers_keep_the_longest_block(redis_cache):
    """Several workers marking the same account at once: the latest end wins, whatever the
    interleaving (a get-then-set could let a shorter block overwrite a longer one)."""
    workers = 8
    barrier = threading.Barrier(workers)
    errors: list[BaseException] = []

    def mark(worker: int) -> None:
        try:
            barrier.wait(timeout=10)
            # Worker 0 sets the longest block first; the others keep writing shorter ones.
            for step in range(30):
                seconds = 3600 if worker == 0 and step == 0 else 60 + worker * 30 + step
                quotas.block("instagram", seconds=seconds, scope="account", account_id="ig-1")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    started = timezone.now()
    threads = [threading.Thread(target=mark, args=(n,)) for n in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors
    until = quotas.blocked_until("instagram", "ig-1")
    assert until is not None
    assert until >= started + timedelta(seconds=3599)
    assert quotas.blocked_until("instagram") is None  # the app-wide mark was never touched
