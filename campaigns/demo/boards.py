"""Demo leaderboards: one demo employee appears anonymously, and the boards are rebuilt
from the ledger the points demo wrote (weeks of entries, so this week's board differs from
last week's). When the ledger is empty (the points demo is not installed), a few weeks of
share points are recorded here through the ledger's one write path, so the boards still
show movement. Idempotent: dedupe keys and "only when empty" make a second run a no-op."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from advocacy.models import Organization

from ..models import PointsAction, PointsBalance, PointsEntry
from ..services.boards import boards_rebuild_organization
from ..services.ledger import points_entry_append

if TYPE_CHECKING:
    from advocacy.demo import DemoMembers

WEEKS = 4


def _points(email: str, week: int) -> int:
    digest = hashlib.sha256(f"{email}:{week}".encode()).digest()
    return 5 + digest[0] % 60


def seed(*, organization: Organization, members: DemoMembers) -> None:
    people = list(members)
    if not people:
        return
    if not PointsEntry.objects.filter(organization=organization).exists():
        now = timezone.now()
        for week in range(WEEKS):
            for member in people:
                points = _points(member.user.email, week)
                points_entry_append(
                    membership=member,
                    action=PointsAction.SHARE_PUBLISHED,
                    points=points,
                    dedupe_key=f"demo-boards:{member.pk}:{week}",
                    # This week's entries now (inside the week whenever the demo runs);
                    # earlier weeks' at a spread of hours.
                    occurred_at=now - timedelta(days=7 * week, hours=member.pk % 20 if week else 0),
                    object_type="demo",
                    note="Demo points",
                )
    employees = members.employees
    if employees:
        shy = employees[-1]
        balance, _created = PointsBalance.objects.get_or_create(
            organization=organization, membership=shy
        )
        if not balance.anonymous_on_boards:
            balance.anonymous_on_boards = True
            balance.save(update_fields=["anonymous_on_boards"])
    boards_rebuild_organization(organization)
