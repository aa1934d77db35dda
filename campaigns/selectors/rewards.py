"""Reads of rewards and redemptions that pages and the API share."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from advocacy.models import Membership, Organization

from ..models import PointsBalance, Redemption, RedemptionStatus, Reward

#: The catalogue is a shelf, not a warehouse: pages show at most this many rewards.
CATALOGUE_LIMIT = 200


def rewards_of_org(*, organization: Organization, active_only: bool) -> QuerySet[Reward]:
    """Cheapest first, as members shop."""
    qs = Reward.objects.for_org(organization)
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.order_by("cost", "id")


def points_spendable(*, membership: Membership) -> int:
    """The member's spendable points (0 before their first entry)."""
    value = (
        PointsBalance.objects.filter(organization_id=membership.organization_id)
        .filter(membership=membership)
        .values_list("spendable", flat=True)
        .first()
    )
    return int(value or 0)


@dataclass(frozen=True)
class CatalogueCard:
    """One reward as a member sees it: whether they can ask for it, and if not, why."""

    reward: Reward
    can_redeem: bool
    reason: str  # why not, when not


def catalogue_cards(*, rewards: list[Reward], spendable: int) -> list[CatalogueCard]:
    cards = []
    for reward in rewards:
        if not reward.is_active:
            reason = _("No longer offered.")
        elif reward.stock == 0:
            reason = _("Out of stock.")
        elif reward.cost > spendable:
            reason = _("You need %(n)s more points.") % {"n": f"{reward.cost - spendable:,}"}
        else:
            reason = ""
        cards.append(CatalogueCard(reward=reward, can_redeem=not reason, reason=reason))
    return cards


def redemptions_of_member(*, membership: Membership) -> QuerySet[Redemption]:
    """A member's own requests, newest first (keyset-paged by ``-id``)."""
    return (
        Redemption.objects.filter(organization_id=membership.organization_id)
        .filter(membership=membership)
        .select_related("reward")
        .order_by("-id")
    )


def redemptions_queue(*, organization: Organization, status: str = "") -> QuerySet[Redemption]:
    """Every request of the organization (managers), newest first, optionally of one status."""
    qs = Redemption.objects.for_org(organization).select_related(
        "reward", "membership__user", "membership__department", "decided_by__user"
    )
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-id")


def redemption_counts(*, organization: Organization) -> dict[str, int]:
    """Requests per status (every status present, zero when none): one grouped query."""
    counts = dict.fromkeys(RedemptionStatus.values, 0)
    rows = (
        Redemption.objects.for_org(organization)
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
    )
    for status, n in rows:
        counts[status] = n
    return counts
