"""Helpers of the leaderboard tests: earn points through the ledger (with the
``points_recorded`` receivers run, as after a commit), a clean Redis for boards, and the
board as each path answers it."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import datetime

import pytest
from django.test import TestCase

from advocacy.models import Membership
from campaigns.models import PointsAction, PointsEntry
from campaigns.selectors import boards as sel
from campaigns.services.ledger import points_entry_append

_keys = itertools.count()


def earn(
    member: Membership,
    points: int,
    *,
    at: datetime | None = None,
    campaign_id: int | None = None,
    action: str = PointsAction.SHARE_PUBLISHED,
) -> PointsEntry:
    with TestCase.captureOnCommitCallbacks(execute=True):
        entry = points_entry_append(
            membership=member,
            action=action,
            points=points,
            dedupe_key=f"boards-test:{next(_keys)}",
            occurred_at=at,
            campaign_id=campaign_id,
            clamp_spendable=True,
        )
    assert entry is not None
    return entry


def flush_boards() -> None:
    client = sel.boards_redis()
    if client is None:
        return
    keys = list(client.scan_iter(match="chorus:lb:*", count=1000))
    if keys:
        client.delete(*keys)


@pytest.fixture
def clean_boards() -> Iterator[None]:
    sel.boards_redis_reset()
    flush_boards()
    yield
    flush_boards()
    sel.boards_redis_reset()


def ranking(result: sel.BoardResult) -> list[tuple[int, int, int]]:
    return [(r.rank, r.membership_id, r.score) for r in result.top]


def window(result: sel.BoardResult) -> list[tuple[int, int, int]]:
    return [(r.rank, r.membership_id, r.score) for r in result.neighbours]
