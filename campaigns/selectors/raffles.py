"""Reads of raffles: the managers' list, what a member may see, a member's standing, and the
public proof (the values anyone can check the draw with).

The seed is part of a proof only once the raffle is drawn; before that nothing here returns it
(``raffle_proof`` and ``raffle_seed_if_revealed`` are the only readers of the field outside
the services).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from advocacy.models import Membership
from advocacy.permissions import Capability, has_capability

from ..models import (
    CampaignAudience,
    CampaignAudienceDimension,
    CampaignStatus,
    Raffle,
    RaffleEntry,
    RaffleStatus,
    RaffleWinner,
)
from ..services.raffles import raffle_pseudonym, raffle_share_counts

#: Campaign states whose raffles employees see (a draft or scheduled campaign is not out yet).
VISIBLE_CAMPAIGN_STATES = (CampaignStatus.LIVE, CampaignStatus.ENDED, CampaignStatus.ARCHIVED)


def raffles_of_org(*, organization: Any) -> QuerySet[Raffle]:
    """Every raffle of the organization, newest first (managers)."""
    return Raffle.objects.for_org(organization).select_related("campaign").order_by("-id")


def with_winners(queryset: QuerySet[Raffle]) -> QuerySet[Raffle]:
    """Raffles with their winners and the winners' entries, in one query more."""
    return queryset.prefetch_related(
        Prefetch("winners", queryset=RaffleWinner.objects.select_related("entry").order_by("rank"))
    )


def _campaign_audience_match(membership: Membership) -> Q:
    """The member is in the campaign's audience: everyone, or they match a value of every
    dimension the campaign uses (department by id or name, location, role)."""
    nothing = Q(pk__in=[])
    department = Q(value=str(membership.department_id)) if membership.department_id else nothing
    if membership.department_id and membership.department is not None:
        department |= Q(value__iexact=membership.department.name)
    location = (membership.location or "").strip()
    dimensions = (
        (CampaignAudienceDimension.DEPARTMENT, department),
        (CampaignAudienceDimension.LOCATION, Q(value__iexact=location) if location else nothing),
        (CampaignAudienceDimension.ROLE, Q(value=membership.role)),
    )
    condition = Q(campaign__targets_everyone=True)
    per_dimension = Q()
    for dimension, value_match in dimensions:
        uses = CampaignAudience.objects.filter(
            campaign_id=OuterRef("campaign_id"), dimension=dimension
        )
        per_dimension &= ~Exists(uses) | Exists(uses.filter(value_match))
    return condition | per_dimension


def raffles_visible_to(*, membership: Membership) -> QuerySet[Raffle]:
    """Raffles a member may read: all of them for managers; for everyone else the raffles
    of period (no campaign) and of campaigns out and aimed at them."""
    qs = raffles_of_org(organization=membership.organization)
    if has_capability(membership, Capability.MANAGE_CAMPAIGNS):
        return qs
    return qs.filter(
        Q(campaign__isnull=True)
        | (Q(campaign__status__in=VISIBLE_CAMPAIGN_STATES) & _campaign_audience_match(membership))
    )


def raffle_by_public_id(public_id: Any) -> Raffle | None:
    """The raffle of a public address. The id is random and unique across organizations and
    the public page has no organization in its URL (like a tracked link's code); the row
    carries its organization."""
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        return None
    return (
        Raffle.objects.select_related("organization", "campaign")
        .filter(public_id=key, organization__is_active=True)
        .first()
    )


def raffle_seed_if_revealed(raffle: Raffle) -> str | None:
    """The seed, once the raffle is drawn; ``None`` before."""
    return raffle.seed if raffle.status == RaffleStatus.DRAWN else None


def raffle_entry_rows(raffle: Raffle) -> list[tuple[str, int]]:
    """The frozen list, (pseudonym, tickets) in canonical order; empty while open."""
    return list(
        RaffleEntry.objects.filter(organization_id=raffle.organization_id)
        .filter(raffle=raffle)
        .order_by("pseudonym")
        .values_list("pseudonym", "tickets")
    )


def raffle_winner_pseudonyms(raffle: Raffle) -> list[str]:
    return list(
        RaffleWinner.objects.filter(organization_id=raffle.organization_id)
        .filter(raffle=raffle)
        .order_by("rank")
        .values_list("entry__pseudonym", flat=True)
    )


def raffle_proof(raffle: Raffle) -> dict[str, Any]:
    """The published values of a raffle, as its public JSON: everything the draw can be
    checked with (``campaigns.raffle_draw.verify_proof``), and nothing that is not public
    yet (the seed before the draw)."""
    closed = raffle.status != RaffleStatus.OPEN
    drawn = raffle.status == RaffleStatus.DRAWN
    entries = raffle_entry_rows(raffle) if closed else []
    return {
        "algorithm": raffle.algorithm,
        "public_id": str(raffle.public_id),
        "title": raffle.title,
        "prize": raffle.prize,
        "status": raffle.status,
        "winners_count": raffle.winners_count,
        "min_shares": raffle.min_shares,
        "entry_per_share": raffle.entry_per_share,
        "closes_at": raffle.closes_at.isoformat(),
        "commitment": raffle.commitment,
        "entries_frozen_at": raffle.entries_frozen_at.isoformat()
        if raffle.entries_frozen_at
        else None,
        "entries_hash": raffle.entries_hash if closed else None,
        "entries": [{"pseudonym": p, "tickets": t} for p, t in entries] if closed else None,
        "total_tickets": sum(t for _p, t in entries),
        "public_value": raffle.public_value if drawn else None,
        "seed": raffle_seed_if_revealed(raffle),
        "drawn_at": raffle.drawn_at.isoformat() if raffle.drawn_at else None,
        "winners": raffle_winner_pseudonyms(raffle) if drawn else [],
    }


@dataclass
class NamedEntry:
    pseudonym: str
    tickets: int
    name: str
    rank: int | None  # prize rank when the entry won


def raffle_entries_named(raffle: Raffle) -> list[NamedEntry]:
    """The frozen list with the members' names and who won (managers only): two queries."""
    ranks = dict(
        RaffleWinner.objects.filter(organization_id=raffle.organization_id)
        .filter(raffle=raffle)
        .values_list("entry_id", "rank")
    )
    rows = (
        RaffleEntry.objects.filter(organization_id=raffle.organization_id)
        .filter(raffle=raffle)
        .select_related("membership__user")
        .order_by("pseudonym")
    )
    return [
        NamedEntry(
            pseudonym=e.pseudonym,
            tickets=e.tickets,
            name=e.membership.user.get_full_name() or e.membership.user.email,
            rank=ranks.get(e.pk),
        )
        for e in rows
    ]


@dataclass
class MemberStanding:
    """Where a member stands in one raffle (for the employee's campaign page)."""

    raffle: Raffle
    pseudonym: str
    shares: int  # shares counted so far (open) or when the list was frozen
    eligible: bool
    tickets: int
    rank: int | None  # prize rank when they won

    @property
    def shares_missing(self) -> int:
        return max(0, self.raffle.min_shares - self.shares)


def raffle_member_standing(
    *, raffle: Raffle, membership: Membership, now: datetime | None = None
) -> MemberStanding:
    now = now or timezone.now()
    pseudonym = raffle_pseudonym(raffle, membership.pk)
    rank = None
    if raffle.status == RaffleStatus.OPEN:
        shares = raffle_share_counts(raffle, now=now, membership=membership).get(membership.pk, 0)
        eligible = shares >= raffle.min_shares
        tickets = (shares if raffle.entry_per_share else 1) if eligible else 0
    else:
        entry = (
            RaffleEntry.objects.filter(organization_id=raffle.organization_id)
            .filter(raffle=raffle, membership=membership)
            .first()
        )
        eligible = entry is not None
        tickets = entry.tickets if entry is not None else 0
        shares = tickets if raffle.entry_per_share else (raffle.min_shares if eligible else 0)
        if entry is not None and raffle.status == RaffleStatus.DRAWN:
            rank = (
                RaffleWinner.objects.filter(organization_id=raffle.organization_id)
                .filter(raffle=raffle, entry=entry)
                .values_list("rank", flat=True)
                .first()
            )
    return MemberStanding(
        raffle=raffle,
        pseudonym=pseudonym,
        shares=shares,
        eligible=eligible,
        tickets=tickets,
        rank=rank,
    )


def campaign_raffle_standings(
    *, campaign: Any, membership: Membership, now: datetime | None = None
) -> list[MemberStanding]:
    """The campaign's raffles as the member sees them, newest first, each with their
    standing and the winners' pseudonyms (``standing.raffle.winner_pseudonyms``)."""
    raffles = list(
        raffles_visible_to(membership=membership).filter(campaign=campaign).order_by("-id")
    )
    standings = []
    for raffle in raffles:
        raffle.winner_pseudonyms = (  # type: ignore[attr-defined]
            raffle_winner_pseudonyms(raffle) if raffle.status == RaffleStatus.DRAWN else []
        )
        standings.append(raffle_member_standing(raffle=raffle, membership=membership, now=now))
    return standings
