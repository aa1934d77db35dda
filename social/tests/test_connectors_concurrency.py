"""Connections and concurrency of the connectors: one keep-alive ``requests.Session`` per
network and process, and per-post metrics calls a few at a time within the per-account bound."""

from __future__ import annotations

import threading
import time

import pytest
from django.conf import settings
from django.test import override_settings

from social.connectors.base import PostContent, Rejected
from social.connectors.concurrent import each_concurrently
from social.connectors.http import session_for
from social.connectors.registry import connector_for
from social.services.posts import account_ref


def _new_connections(network: str, base: str) -> int:
    """Connections the network's session has opened to ``base`` so far (urllib3 counts them)."""
    session = session_for(network)
    pool = session.get_adapter(base).poolmanager.connection_from_url(base)  # type: ignore[attr-defined]
    return pool.num_connections


def test_one_session_per_network_and_process():
    assert session_for("linkedin") is session_for("linkedin")
    assert session_for("linkedin") is not session_for("facebook")
    got: list[object] = []
    thread = threading.Thread(target=lambda: got.append(session_for("linkedin")))
    thread.start()
    thread.join()
    assert got == [session_for("linkedin")]  # shared by the worker's threads


@override_settings(SOCIAL_METRICS_CONCURRENCY_PER_ACCOUNT=1)
def test_metrics_calls_reuse_one_connection(sandbox, world):
    connection = sandbox.connect("linkedin")
    account = sandbox.network_account(world.a.members["employee"].user, connection)
    connector = connector_for("linkedin")
    ref = account_ref(account)
    urns = [
        connector.publish(
            ref, PostContent(caption=f"post {i}", link_url=f"https://e.x/{i}")
        ).external_id
        for i in range(3)
    ]
    base = settings.NETWORK_BASES["LINKEDIN_API_BASE"]
    before = _new_connections("linkedin", base)
    for _ in range(2):
        assert set(connector.fetch_metrics(ref, urns)) == set(urns)  # 2 x 3 x 6 calls
    assert _new_connections("linkedin", base) - before <= 1


def test_concurrent_pull_answers_like_the_sequential_one(sandbox, world):
    connection = sandbox.connect("linkedin")
    account = sandbox.network_account(world.a.members["employee"].user, connection)
    connector = connector_for("linkedin")
    ref = account_ref(account)
    urns = [
        connector.publish(
            ref, PostContent(caption=f"post {i}", link_url=f"https://e.x/{i}")
        ).external_id
        for i in range(6)
    ]
    with override_settings(SOCIAL_METRICS_CONCURRENCY_PER_ACCOUNT=1):
        one_by_one = connector.fetch_metrics(ref, urns)
    with override_settings(SOCIAL_METRICS_CONCURRENCY_PER_ACCOUNT=4):
        together = connector.fetch_metrics(ref, urns)
    assert list(together) == list(one_by_one) == urns
    assert together == one_by_one


def test_each_concurrently_keeps_the_order_and_the_bound():
    in_flight, peak, lock = [0], [0], threading.Lock()

    def call(n: int) -> int:
        with lock:
            in_flight[0] += 1
            peak[0] = max(peak[0], in_flight[0])
        time.sleep(0.01)
        with lock:
            in_flight[0] -= 1
        return n * n

    assert each_concurrently(call, list(range(12)), limit=3) == [n * n for n in range(12)]
    assert 1 < peak[0] <= 3


def test_each_concurrently_raises_the_error_and_starts_nothing_more():
    started: list[int] = []

    def call(n: int) -> int:
        started.append(n)
        if n == 1:
            raise Rejected("no", code="x")
        time.sleep(0.02)
        return n

    with pytest.raises(Rejected):
        each_concurrently(call, list(range(40)), limit=2)
    assert len(started) < 10  # the calls queued after the error were skipped
