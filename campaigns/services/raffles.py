"""Raffles anyone can verify: create (commit), close (freeze the entry list), draw (reveal).

1. ``raffle_create``: a secret 32-byte seed is generated and stored; its SHA-256, the
   commitment, is published at once. The seed is shown nowhere until the draw.
2. ``raffle_close`` (a manager, early) and ``raffles_close_due`` (the clock, at
   ``closes_at``): the eligible members are counted, each gets a raffle-specific pseudonym,
   and the sorted list and its hash are frozen. The raffle's row is locked first and the
   status checked under the lock, so two workers or a worker and a manager freeze it once.
3. ``raffle_draw``: with the seed, the list hash and an optional public value typed in
   after the close, ``campaigns.raffle_draw.draw_winners`` picks the winners; the seed is
   revealed with them.

The algorithm itself lives in ``campaigns/raffle_draw.py`` (pure, standard library only).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from advocacy.dangerous import dangerously
from advocacy.models import Membership, Organization
from advocacy.permissions import Capability, capability_require
from advocacy.services import audit_log_record
from social.models import Share, ShareState

from .. import raffle_draw
from ..models import Campaign, Raffle, RaffleEntry, RaffleStatus, RaffleWinner
from ..signals import announce, raffle_drawn

log = logging.getLogger(__name__)

MAX_WINNERS = 100
MAX_MIN_SHARES = 1000
PUBLIC_VALUE_MAX = 200
#: Hex digits of a pseudonym (64 bits: no two members of one raffle collide in practice).
PSEUDONYM_LENGTH = 16


# --- Eligibility and pseudonyms -----------------------------------------------------


def raffle_pseudonym(raffle: Raffle, membership_id: int) -> str:
    """The member's id in this raffle's published list: HMAC-SHA-256 of the membership id
    under the raffle's own secret key, truncated. Another raffle gives another pseudonym,
    and without the key nobody can tell whose it is."""
    digest = hmac.new(
        bytes.fromhex(raffle.pseudonym_key),
        f"membership:{membership_id}".encode(),
        hashlib.sha256,
    ).hexdigest()
    return digest[:PSEUDONYM_LENGTH]


def raffle_window(raffle: Raffle, *, now: datetime) -> tuple[datetime | None, datetime]:
    """Shares published in this window count: the campaign's live dates (or the raffle's
    period), and never after the close."""
    start: datetime | None
    end: datetime | None
    if raffle.campaign is not None:
        start, end = raffle.campaign.starts_at, raffle.campaign.ends_at
    else:
        start, end = raffle.period_start, raffle.period_end
    limit = min(now, raffle.closes_at)
    return start, (min(end, limit) if end is not None else limit)


def raffle_share_counts(
    raffle: Raffle, *, now: datetime, at_least: int = 1, membership: Membership | None = None
) -> dict[int, int]:
    """Active member id -> their shares that count for the raffle, for members with at least
    ``at_least`` of them (only ``membership`` when given)."""
    start, end = raffle_window(raffle, now=now)
    shares = Share.objects.filter(organization_id=raffle.organization_id).filter(
        state=ShareState.PUBLISHED,
        published_at__isnull=False,
        published_at__lte=end,
        membership__is_active=True,
    )
    if start is not None:
        shares = shares.filter(published_at__gte=start)
    if raffle.campaign_id is not None:
        shares = shares.filter(campaign_id=raffle.campaign_id)
    if membership is not None:
        shares = shares.filter(membership=membership)
    rows = (
        shares.values("membership_id")
        .annotate(n=Count("id"))
        .filter(n__gte=max(1, at_least))
        .values_list("membership_id", "n")
    )
    return dict(rows)


def raffle_eligible_share_counts(raffle: Raffle, *, now: datetime) -> dict[int, int]:
    """Active member id -> counted shares, for the members who meet ``min_shares``."""
    return raffle_share_counts(raffle, now=now, at_least=raffle.min_shares)


def _tickets(raffle: Raffle, shares: int) -> int:
    return shares if raffle.entry_per_share else 1


# --- Create --------------------------------------------------------------------------


def _validate(
    *,
    campaign: Campaign | None,
    title: str,
    prize: str,
    winners_count: int,
    min_shares: int,
    closes_at: datetime | None,
    period_start: datetime | None,
    period_end: datetime | None,
    now: datetime,
) -> None:
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = [_("Give the raffle a title.")]
    if not prize.strip():
        errors["prize"] = [_("Say what the prize is.")]
    if not 1 <= winners_count <= MAX_WINNERS:
        errors["winners_count"] = [
            _("Between 1 and %(max)d winners.") % {"max": MAX_WINNERS},
        ]
    if not 1 <= min_shares <= MAX_MIN_SHARES:
        errors["min_shares"] = [
            _("Between 1 and %(max)d shares.") % {"max": MAX_MIN_SHARES},
        ]
    if closes_at is None:
        errors["closes_at"] = [_("Say when the raffle closes.")]
    elif closes_at <= now:
        errors["closes_at"] = [_("The raffle must close in the future.")]
    if campaign is None:
        if period_start is None or period_end is None:
            errors["campaign"] = [
                _("Choose a campaign, or give the period whose shares count (start and end).")
            ]
        elif period_end <= period_start:
            errors["period_end"] = [_("The period must end after it starts.")]
    elif period_start is not None or period_end is not None:
        errors["period_start"] = [
            _("A campaign's raffle counts the campaign's dates; leave the period empty.")
        ]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def raffle_create(
    *,
    actor: Membership,
    title: str,
    prize: str,
    closes_at: datetime | None,
    campaign: Campaign | None = None,
    winners_count: int = 1,
    min_shares: int = 1,
    entry_per_share: bool = False,
    period_start: datetime | None = None,
    period_end: datetime | None = None,
    now: datetime | None = None,
) -> Raffle:
    """A new open raffle with its commitment published."""
    capability_require(actor, Capability.MANAGE_CAMPAIGNS)
    organization = actor.organization
    if campaign is not None and campaign.organization_id != organization.pk:
        raise ValidationError({"campaign": [_("Choose one of your organization's campaigns.")]})
    now = now or timezone.now()
    _validate(
        campaign=campaign,
        title=title,
        prize=prize,
        winners_count=winners_count,
        min_shares=min_shares,
        closes_at=closes_at,
        period_start=period_start,
        period_end=period_end,
        now=now,
    )
    assert closes_at is not None
    seed = secrets.token_hex(32)
    raffle = Raffle.objects.create(
        organization=organization,
        campaign=campaign,
        title=title.strip(),
        prize=prize.strip(),
        winners_count=winners_count,
        min_shares=min_shares,
        entry_per_share=entry_per_share,
        period_start=period_start,
        period_end=period_end,
        closes_at=closes_at,
        algorithm=raffle_draw.ALGORITHM,
        seed=seed,
        commitment=raffle_draw.commitment_of(seed),
        pseudonym_key=secrets.token_hex(32),
        created_by=actor,
        created_at=now,
    )
    audit_log_record(
        organization=organization,
        actor=actor.user,
        action="raffle.created",
        target=raffle,
        data={"title": raffle.title, "commitment": raffle.commitment},
    )
    return raffle


# --- Close ---------------------------------------------------------------------------


@dangerously("The clock closes raffles at their time, in every organization.")
def dangerously_raffles_due(*, now: datetime | None = None) -> QuerySet:
    """Ids of active organizations with open raffles past their closing time."""
    now = now or timezone.now()
    due = Raffle.objects.filter(status=RaffleStatus.OPEN, closes_at__lte=now).values(
        "organization_id"
    )
    return Organization.objects.filter(pk__in=due, is_active=True).values_list("pk", flat=True)


def _freeze(raffle_id: int, organization: Organization, *, now: datetime) -> Raffle | None:
    """Freeze the entry list of an open raffle, under its row lock. ``None`` when the raffle
    was no longer open once locked (another worker or the manager was first)."""
    raffle = (
        Raffle.objects.select_for_update(of=("self",))
        .select_related("campaign")
        .filter(pk=raffle_id, organization=organization)
        .first()
    )
    if raffle is None or raffle.status != RaffleStatus.OPEN:
        return None
    raffle.organization = organization
    counts = raffle_eligible_share_counts(raffle, now=now)
    rows = sorted(
        (raffle_pseudonym(raffle, member_id), member_id, _tickets(raffle, n))
        for member_id, n in counts.items()
    )
    RaffleEntry.objects.bulk_create(
        RaffleEntry(
            organization=organization,
            raffle=raffle,
            membership_id=member_id,
            pseudonym=pseudonym,
            tickets=tickets,
            position=position,
        )
        for position, (pseudonym, member_id, tickets) in enumerate(rows)
    )
    raffle.entries_hash = raffle_draw.entries_hash_of([(p, t) for p, _m, t in rows])
    raffle.entries_frozen_at = now
    raffle.status = RaffleStatus.CLOSED
    raffle.save(update_fields=["entries_hash", "entries_frozen_at", "status"])
    return raffle


def raffle_close(*, actor: Membership, raffle: Raffle, now: datetime | None = None) -> Raffle:
    """Close an open raffle now (before its time): freeze and publish its entry list."""
    capability_require(actor, Capability.MANAGE_CAMPAIGNS, organization=raffle.organization_id)
    now = now or timezone.now()
    with transaction.atomic():
        closed = _freeze(raffle.pk, actor.organization, now=now)
        if closed is None:
            raise ValidationError(_("This raffle is already closed."))
        audit_log_record(
            organization=actor.organization,
            actor=actor.user,
            action="raffle.closed",
            target=closed,
            data={"title": closed.title, "entries_hash": closed.entries_hash, "early": True},
        )
    return closed


def raffles_close_due(*, organization: Organization, now: datetime | None = None) -> int:
    """The clock: close every open raffle of the organization whose time has come. Each in
    its own transaction; a raffle someone else closed meanwhile is skipped. Returns how many
    this call closed."""
    now = now or timezone.now()
    due = list(
        Raffle.objects.for_org(organization)
        .filter(status=RaffleStatus.OPEN, closes_at__lte=now)
        .values_list("pk", flat=True)
    )
    closed = 0
    for raffle_id in due:
        with transaction.atomic():
            raffle = _freeze(raffle_id, organization, now=now)
            if raffle is None:
                continue
            audit_log_record(
                organization=organization,
                actor=None,
                action="raffle.closed",
                target=raffle,
                data={"title": raffle.title, "entries_hash": raffle.entries_hash},
            )
            closed += 1
    return closed


# --- Draw ----------------------------------------------------------------------------


def raffle_draw_winners(
    *, actor: Membership, raffle: Raffle, public_value: str = "", now: datetime | None = None
) -> Raffle:
    """Draw a closed raffle: pick the winners from the published values and reveal the seed."""
    capability_require(actor, Capability.MANAGE_CAMPAIGNS, organization=raffle.organization_id)
    public_value = (public_value or "").strip()
    if len(public_value) > PUBLIC_VALUE_MAX:
        raise ValidationError(
            {
                "public_value": [
                    _("At most %(max)d characters.") % {"max": PUBLIC_VALUE_MAX},
                ]
            }
        )
    if any(ord(c) < 32 for c in public_value):
        raise ValidationError(
            {"public_value": [_("One line of text, without control characters.")]}
        )
    now = now or timezone.now()
    organization = actor.organization
    with transaction.atomic():
        locked = (
            Raffle.objects.select_for_update(of=("self",))
            .filter(pk=raffle.pk, organization=organization)
            .first()
        )
        if locked is None:
            raise ValidationError(_("This raffle no longer exists."))
        if locked.status == RaffleStatus.OPEN:
            raise ValidationError(_("Close the raffle before drawing it."))
        if locked.status == RaffleStatus.DRAWN:
            raise ValidationError(_("This raffle has already been drawn."))
        entries = list(
            RaffleEntry.objects.for_org(organization)
            .filter(raffle=locked)
            .order_by("pseudonym")
            .values_list("pk", "pseudonym", "tickets")
        )
        winners = raffle_draw.draw_winners(
            seed_hex=locked.seed,
            entries=[(p, t) for _pk, p, t in entries],
            entries_hash=locked.entries_hash,
            public_value=public_value,
            winners_count=locked.winners_count,
        )
        by_pseudonym = {p: pk for pk, p, _t in entries}
        RaffleWinner.objects.bulk_create(
            RaffleWinner(
                organization=organization,
                raffle=locked,
                entry_id=by_pseudonym[pseudonym],
                rank=rank,
            )
            for rank, pseudonym in enumerate(winners, start=1)
        )
        locked.public_value = public_value
        locked.status = RaffleStatus.DRAWN
        locked.drawn_at = now
        locked.save(update_fields=["public_value", "status", "drawn_at"])
        audit_log_record(
            organization=organization,
            actor=actor.user,
            action="raffle.drawn",
            target=locked,
            data={"title": locked.title, "winners": winners, "public_value": public_value},
        )
        announce(raffle_drawn, organization_id=locked.organization_id, raffle_id=locked.pk)
    locked.organization = organization
    return locked


__all__ = [
    "dangerously_raffles_due",
    "raffle_close",
    "raffle_create",
    "raffle_draw_winners",
    "raffle_eligible_share_counts",
    "raffle_pseudonym",
    "raffle_share_counts",
    "raffles_close_due",
]
