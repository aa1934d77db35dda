"""Celery tasks of leaderboards: rebuild a board that a read missed, or every board of
every organization (``bulk_leaderboards_rebuild_all``, for a nightly beat entry)."""

from __future__ import annotations

import contextlib
from typing import Any

from celery import shared_task
from django.core.exceptions import ValidationError

from advocacy.models import Organization

__all__ = ["bulk_leaderboard_rebuild", "bulk_leaderboards_rebuild_all"]


@shared_task(name="campaigns.tasks.bulk_leaderboard_rebuild", ignore_result=True)
def bulk_leaderboard_rebuild(organization_id: int, params: dict[str, Any]) -> int:
    """Rebuild one board (named by its query parameters) of one organization."""
    from ..selectors.boards import BOARD_ERRORS, board_resolve, boards_redis
    from ..services.boards import board_rebuild

    organization = Organization.objects.filter(pk=organization_id, is_active=True).first()
    if organization is None:
        return -1
    try:
        board = board_resolve(organization, params)
    except ValidationError:
        return -1  # the campaign or department went away meanwhile
    try:
        return board_rebuild(board)
    finally:
        client = boards_redis()
        if client is not None:
            with contextlib.suppress(*BOARD_ERRORS):  # the lock expires anyway
                client.delete(f"{board.key}:lock")


@shared_task(name="campaigns.tasks.bulk_leaderboards_rebuild_all", ignore_result=True)
def bulk_leaderboards_rebuild_all() -> int:
    """Rebuild every active organization's boards, one organization at a time (organizations
    are not tenant rows; each is then handled inside itself)."""
    from ..services.boards import boards_rebuild_organization

    built = 0
    for organization in Organization.objects.filter(is_active=True).order_by("pk"):
        built += boards_rebuild_organization(organization)
    return built
