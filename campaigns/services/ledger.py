"""The one write path into the points ledger.

Every ledger entry goes through ``points_entry_append``: it appends the entry and moves the
member's ``PointsBalance`` in the same transaction, under a lock on the balance row, so the
balance is always the sum of the entries and spendable points never go below zero. It is
idempotent by ``dedupe_key`` (unique per organization): a retried task or a second worker
recording the same fact gets ``None`` back and changes nothing.

It checks no capability: the services that call it (scoring, redemptions) have decided the
entry is due. After commit it sends ``campaigns.signals.points_recorded`` so that
leaderboards (and later notifications and analytics) follow without being imported here.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from advocacy.models import Membership

from ..models import PointsBalance, PointsEntry, PointsRule
from ..signals import points_recorded


class InsufficientPoints(ValidationError):
    """Spending more spendable points than the member has."""


def points_balance_lock(membership: Membership) -> PointsBalance:
    """The member's balance row, created when missing, locked until the transaction ends."""
    PointsBalance.objects.get_or_create(
        organization_id=membership.organization_id, membership=membership
    )
    return PointsBalance.objects.select_for_update().get(
        organization_id=membership.organization_id, membership=membership
    )


def _send_recorded(organization_id: int, entries: list[PointsEntry]) -> None:
    points_recorded.send(sender=PointsEntry, organization_id=organization_id, entries=entries)


def points_entry_append(
    *,
    membership: Membership,
    action: str,
    points: int,
    dedupe_key: str,
    spendable: int | None = None,
    occurred_at: datetime | None = None,
    share_id: int | None = None,
    campaign_id: int | None = None,
    rule: PointsRule | None = None,
    reverses: PointsEntry | None = None,
    object_type: str = "",
    object_id: str = "",
    note: str = "",
    clamp_spendable: bool = False,
) -> PointsEntry | None:
    """Append one entry and move the balance; ``None`` when ``dedupe_key`` was recorded before.

    ``points`` moves lifetime points; ``spendable`` (default: the same as ``points``) moves
    spendable points. A negative ``spendable`` beyond the balance raises
    ``InsufficientPoints``, unless ``clamp_spendable`` (reversals of earned points already
    spent), in which case the entry takes only what is left and records what it took.
    """
    spendable = points if spendable is None else spendable
    now = timezone.now()
    with transaction.atomic():
        balance = points_balance_lock(membership)
        if balance.spendable + spendable < 0:
            if not clamp_spendable:
                raise InsufficientPoints(
                    _("You have %(have)s points to spend; this needs %(need)s.")
                    % {"have": balance.spendable, "need": -spendable},
                    code="insufficient_points",
                )
            spendable = -balance.spendable
        try:
            with transaction.atomic():
                entry = PointsEntry.objects.create(
                    organization_id=membership.organization_id,
                    membership=membership,
                    action=action,
                    points=points,
                    spendable=spendable,
                    dedupe_key=dedupe_key[:120],
                    occurred_at=occurred_at or now,
                    created_at=now,
                    share_id=share_id,
                    campaign_id=campaign_id,
                    rule=rule,
                    reverses=reverses,
                    object_type=object_type,
                    object_id=str(object_id),
                    note=note[:300],
                )
        except IntegrityError:
            if PointsEntry.objects.filter(
                organization_id=membership.organization_id, dedupe_key=dedupe_key[:120]
            ).exists():
                return None
            raise
        balance.lifetime += points
        balance.spendable += spendable
        balance.updated_at = now
        balance.save(update_fields=["lifetime", "spendable", "updated_at"])
        organization_id = membership.organization_id
        transaction.on_commit(lambda: _send_recorded(organization_id, [entry]))
    return entry
