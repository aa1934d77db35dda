"""Per-post calls of one account, a few at a time.

A metrics pull asks the network about each post of one account separately (LinkedIn: six
analytics calls per post; Meta: one insights call per post). Waiting for each answer before
sending the next leaves the worker idle on the network's latency, so ``each_concurrently``
runs them on a small pool whose size is the per-account bound
(``SOCIAL_METRICS_CONCURRENCY_PER_ACCOUNT``): never more calls in flight for one account
than that, which keeps a pull inside the account's quota. The first error of any call
stops the calls not yet started and is raised, as the one-by-one loop would have raised it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from django.conf import settings

T = TypeVar("T")
R = TypeVar("R")


def per_account_limit() -> int:
    return max(1, int(getattr(settings, "SOCIAL_METRICS_CONCURRENCY_PER_ACCOUNT", 4)))


def each_concurrently(
    call: Callable[[T], R], items: Sequence[T], *, limit: int | None = None
) -> list[R]:
    """``[call(item) for item in items]`` with at most ``limit`` calls in flight; results in
    the order of ``items``. An error stops the calls not started yet; the first one (in the
    order of ``items``) is raised once the calls in flight have finished."""
    limit = per_account_limit() if limit is None else max(1, limit)
    if limit == 1 or len(items) <= 1:
        return [call(item) for item in items]
    failed = threading.Event()

    def guarded(item: T) -> tuple[bool, R | None]:
        if failed.is_set():
            return False, None
        try:
            return True, call(item)
        except BaseException:
            failed.set()
            raise

    with ThreadPoolExecutor(
        max_workers=min(limit, len(items)), thread_name_prefix="chorus-per-account"
    ) as pool:
        futures = [pool.submit(guarded, item) for item in items]
    results: list[R] = []
    for future in futures:
        error = future.exception()
        if error is not None:
            raise error
    for future in futures:
        ran, value = future.result()
        if not ran:  # pragma: no cover - only after an error, which was raised above
            raise RuntimeError("a call was skipped without an error")
        results.append(value)  # type: ignore[arg-type]
    return results
