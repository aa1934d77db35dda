"""Demo points: the demo members' ledgers derived from what the demo already holds.

Nothing is invented here: ``points_backfill`` runs the real scoring over the demo's published
shares (at their publication times, spread over the last three weeks), their human clicks
(at each share's latest click), their metric snapshots (replayed in order, at each pull's
time), accepted suggestions, policy acceptances, accepted invitations and the weekly streaks
of the last eight weeks, so boards built from the ledger show movement week by week. One
rule change by the manager (a click is worth 2 points from now on) gives the rules page a
history. Idempotent: every fact has its key, and the rule is added once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..models import PointsAction, PointsRule
from ..services.points import points_backfill, points_rule_save

if TYPE_CHECKING:
    from advocacy.demo import DemoMembers
    from advocacy.models import Organization


def seed(*, organization: Organization, members: DemoMembers) -> None:
    points_backfill(organization=organization)
    if not PointsRule.objects.filter(organization=organization).exists():
        points_rule_save(
            actor=members.manager,
            action=PointsAction.HUMAN_CLICK,
            points=2,
            daily_cap=100,
            per_share_cap=60,
        )
