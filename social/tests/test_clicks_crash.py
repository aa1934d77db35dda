"""A Redis crash loses at most ``CRASH_LOSS_BOUND_SECONDS`` of clicks (issue 12 item 9).

A private redis-server runs with the production persistence (``--appendonly yes
--appendfsync everysec``). A thread clicks a tracked link through the real redirect, each
click from its own address (so each stored click can be told apart by its visitor hash),
while the test kills the server with SIGKILL, restarts it on the same directory and lets the
clicks flow on (to the database while Redis is away). After draining, every click acknowledged
more than the bound before the kill is counted exactly once, and no click is counted twice.
The same run without persistence loses clicks: the test can see a loss.
"""

from __future__ import annotations

import shutil
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from content_library.tests.factories import ApprovedItemFactory
from social.models import ClickEvent, Share, ShareState, TrackedLink
from social.services import clicks
from social.services.clicks import CRASH_LOSS_BOUND_SECONDS, clicks_drain, visitor_hash
from social.services.links import tracked_link_create
from social.tests.factories import ShareFactory
from social.tests.redis_support import NO_PERSISTENCE, PRODUCTION_PERSISTENCE, PrivateRedis

pytestmark = [
    pytest.mark.django_db(transaction=True),  # the clicking thread has its own connection
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server"),
]

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0"
BEFORE_KILL_SECONDS = 3.5
DOWN_SECONDS = 0.5
AFTER_RESTART_SECONDS = 0.5


@pytest.fixture(autouse=True)
def _clean():
    cache.clear()
    clicks._redis_down_until.clear()
    yield
    cache.clear()
    clicks._redis_down_until.clear()


@pytest.fixture
def link(world) -> TrackedLink:
    item = ApprovedItemFactory(organization=world.a.org, url="https://example.com/story")
    share = ShareFactory.create(
        membership=world.a.members["employee"], item=item, state=ShareState.PUBLISHED
    )
    return tracked_link_create(share=share)


def _address(n: int) -> str:
    return f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"


def _clicks_through_a_crash(
    link: TrackedLink, directory: Path, persistence: tuple[str, ...], settings
) -> tuple[list[tuple[str, float, set[str]]], float, int]:
    """Click while Redis is killed and restarted. Returns the acknowledged clicks
    ``(address, acknowledged at, possible visitor hashes)``, the moment of the kill, and how
    many clicks were waiting in Redis just before it."""
    server = PrivateRedis(directory, persistence=persistence)
    server.start()
    settings.CLICKS_REDIS_URL = server.url
    url = reverse("tracked_link_redirect", kwargs={"code": link.code})
    acknowledged: list[tuple[str, float, set[str]]] = []
    stop = threading.Event()
    failures: list[BaseException] = []

    def click() -> None:
        client = Client()
        n = 0
        try:
            while not stop.is_set():
                n += 1
                address = _address(n)
                before = timezone.now().date().isoformat()
                response = client.get(url, REMOTE_ADDR=address, HTTP_USER_AGENT=FIREFOX)
                assert response.status_code == 302
                after = timezone.now().date().isoformat()
                hashes = {visitor_hash(address, before), visitor_hash(address, after)}
                acknowledged.append((address, time.monotonic(), hashes))
                time.sleep(0.005)
        except BaseException as exc:  # reported below
            failures.append(exc)
        finally:
            connection.close()

    clicker = threading.Thread(target=click)
    clicker.start()
    try:
        time.sleep(BEFORE_KILL_SECONDS)
        waiting = server.client().llen(clicks.QUEUE_KEY)
        killed_at = time.monotonic()
        server.kill()
        time.sleep(DOWN_SECONDS)
        server.start()  # the same port and directory: it reads its append-only file
        time.sleep(AFTER_RESTART_SECONDS)
    finally:
        stop.set()
        clicker.join(timeout=30)
    try:
        assert failures == []
        clicks._redis_down_until.clear()  # the next drain reads Redis at once
        for _ in range(20):
            result = clicks_drain()
            assert not result.error, result.error
            if result.taken == 0 and result.counted == 0:
                break
    finally:
        server.stop()
    return acknowledged, killed_at, waiting


def test_clicks_acknowledged_before_the_bound_survive_a_redis_crash_counted_once(
    link, tmp_path, settings
):
    acknowledged, killed_at, waiting = _clicks_through_a_crash(
        link, tmp_path / "redis", PRODUCTION_PERSISTENCE, settings
    )
    assert waiting >= 20  # clicks were queued in Redis, not yet drained, when it crashed

    stored = Counter(ClickEvent.objects.filter(link=link).values_list("visitor_hash", flat=True))
    assert not ClickEvent.objects.filter(link=link, counted=False).exists()
    assert max(stored.values()) == 1  # no click is stored (nor counted) twice
    safe = [a for a in acknowledged if a[1] < killed_at - CRASH_LOSS_BOUND_SECONDS]
    assert len(safe) >= 20
    missing = [address for address, _at, hashes in safe if sum(stored[h] for h in hashes) != 1]
    assert missing == []
    link.refresh_from_db()
    rows = sum(stored.values())
    assert link.human_clicks == rows == Share.objects.get(pk=link.share_id).clicks
    assert rows <= len(acknowledged)


def test_without_persistence_the_same_crash_loses_clicks(link, tmp_path, settings):
    """The control: the check above does see a loss when Redis keeps nothing on disk."""
    acknowledged, killed_at, waiting = _clicks_through_a_crash(
        link, tmp_path / "redis", NO_PERSISTENCE, settings
    )
    stored = Counter(ClickEvent.objects.filter(link=link).values_list("visitor_hash", flat=True))
    safe = [a for a in acknowledged if a[1] < killed_at - CRASH_LOSS_BOUND_SECONDS]
    lost = [address for address, _at, hashes in safe if not any(stored[h] for h in hashes)]
    assert waiting >= 20 and len(safe) >= 20
    # Most of them were only in Redis's memory (a few may have gone to the database when a
    # push timed out under load): without the append-only file they are gone.
    assert len(lost) > len(safe) / 2
