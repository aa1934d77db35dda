"""Reads of points: a member's balance and period totals, ledger lists, the rules' history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from advocacy.models import Membership, Organization

from ..models import EARNING_ACTIONS, PointsAction, PointsBalance, PointsEntry, PointsRule
from ..services.points import PER_UNIT_ACTIONS, RuleBook, organization_zone, week_start


@dataclass
class PointsSummary:
    lifetime: int
    spendable: int
    anonymous_on_boards: bool
    this_week: int
    this_month: int


def points_summary(*, membership: Membership, now: datetime | None = None) -> PointsSummary:
    """The member's totals and the lifetime points of this week and month (local time)."""
    now = now or timezone.now()
    zone = organization_zone(membership.organization)
    week = week_start(now, zone)
    local = now.astimezone(zone)
    month = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    balance = PointsBalance.objects.filter(
        organization_id=membership.organization_id, membership=membership
    ).first()
    sums = PointsEntry.objects.filter(
        organization_id=membership.organization_id,
        membership=membership,
        occurred_at__gte=min(week, month),
    ).aggregate(
        week=Sum("points", filter=Q(occurred_at__gte=week)),
        month=Sum("points", filter=Q(occurred_at__gte=month)),
    )
    return PointsSummary(
        lifetime=balance.lifetime if balance else 0,
        spendable=balance.spendable if balance else 0,
        anonymous_on_boards=balance.anonymous_on_boards if balance else False,
        this_week=sums["week"] or 0,
        this_month=sums["month"] or 0,
    )


def points_balance(*, membership: Membership) -> PointsBalance:
    """The member's balance row (an unsaved zero one when they never earned)."""
    return PointsBalance.objects.filter(
        organization_id=membership.organization_id, membership=membership
    ).first() or PointsBalance(organization_id=membership.organization_id, membership=membership)


def points_entries(
    *,
    organization: Organization,
    membership_id: int | None = None,
    action: str = "",
    campaign_id: int | None = None,
) -> QuerySet[PointsEntry]:
    """Ledger entries, newest first (keyset order ``-occurred_at, -id``), with what a list
    shows loaded in the same query (member, campaign, the entry a reversal reverses)."""
    qs = PointsEntry.objects.filter(organization=organization).select_related(
        "membership__user", "campaign", "reverses"
    )
    if membership_id is not None:
        qs = qs.filter(membership_id=membership_id)
    if action:
        qs = qs.filter(action=action)
    if campaign_id is not None:
        qs = qs.filter(campaign_id=campaign_id)
    return qs.order_by("-occurred_at", "-id")


def points_reversed_ids(entries: list[PointsEntry]) -> set[int]:
    """Which of these entries were reversed later (one query for the page)."""
    ids = [e.pk for e in entries if e.action != PointsAction.REVERSAL]
    if not ids:
        return set()
    return set(
        PointsEntry.objects.filter(reverses_id__in=ids).values_list("reverses_id", flat=True)
    )


def points_rules_history(*, organization: Organization) -> QuerySet[PointsRule]:
    """Every rule saved, newest first, with who saved it."""
    return (
        PointsRule.objects.filter(organization=organization)
        .select_related("created_by__user")
        .order_by("-effective_from", "-id")
    )


def points_rules_current(*, organization: Organization, at: datetime | None = None) -> list[dict]:
    """Each earning action with the values in force now (``rule`` is None for defaults)."""
    book = RuleBook(organization.pk)
    at = at or timezone.now()
    rows = []
    for action in EARNING_ACTIONS:
        values, rule = book.in_force(action, at)
        rows.append(
            {
                "action": action.value,
                "label": action.label,
                "points": values.points,
                "daily_cap": values.daily_cap,
                "per_share_cap": values.per_share_cap,
                "per_unit": action in PER_UNIT_ACTIONS,
                "rule": rule,
                "is_default": rule is None,
            }
        )
    return rows
