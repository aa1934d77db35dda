"""Leaderboards listen to the ledger and to memberships (connected in ``CampaignsConfig.ready``):
points recorded move the Redis boards; a member moved or (de)activated drops the boards
that held them (see ``campaigns/services/boards.py``)."""

from __future__ import annotations

from django.db.models.signals import post_save

from advocacy.models import Membership

from .services.boards import on_membership_saved, on_points_recorded
from .signals import points_recorded
from .tasks import boards as _tasks  # noqa: F401 - registers the rebuild tasks with Celery


def connect() -> None:
    points_recorded.connect(on_points_recorded, dispatch_uid="campaigns.boards.points")
    post_save.connect(
        on_membership_saved, sender=Membership, dispatch_uid="campaigns.boards.membership"
    )
