"""Demo raffles: an open one on the live campaign, and a drawn, verified one on the ended
campaign. Campaigns are found by status (the campaigns demo makes them); without them this
seeds nothing. Idempotent: a campaign that already has a raffle gets no other.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.utils import timezone

from advocacy.models import Organization

from ..models import Campaign, CampaignStatus, Raffle
from ..raffle_draw import verify_proof
from ..selectors.raffles import raffle_proof
from ..services import raffles as services

log = logging.getLogger(__name__)

_TEXT: dict[str, dict[str, Any]] = {
    "en": {
        "open": ("Spring campaign raffle", "Two tickets to the Vilnius Jazz festival"),
        "drawn": ("Winter campaign raffle", "A weekend in Nida for two"),
        "public_value": "EuroJackpot draw of the day after the close: 7 14 21 33 45 + 2 9",
    },
    "lt": {
        "open": ("Pavasario kampanijos loterija", "Du bilietai į Vilnius Jazz festivalį"),
        "drawn": ("Žiemos kampanijos loterija", "Savaitgalis Nidoje dviem"),
        "public_value": "EuroJackpot tiražas kitą dieną po uždarymo: 7 14 21 33 45 + 2 9",
    },
}


def _campaign(organization: Organization, status: str) -> Campaign | None:
    return (
        Campaign.objects.for_org(organization)
        .filter(status=status)
        .order_by("-starts_at", "-id")
        .first()
    )


def seed(*, organization: Organization, members: Any) -> None:
    text = _TEXT["lt" if organization.default_language == "lt" else "en"]
    manager = members.manager
    now = timezone.now()
    live = _campaign(organization, CampaignStatus.LIVE)
    if live is not None and not Raffle.objects.for_org(organization).filter(campaign=live).exists():
        title, prize = text["open"]
        services.raffle_create(
            actor=manager,
            campaign=live,
            title=title,
            prize=prize,
            winners_count=2,
            min_shares=1,
            entry_per_share=True,
            closes_at=max(live.ends_at, now + timedelta(days=1)),
        )
    ended = _campaign(organization, CampaignStatus.ENDED)
    if (
        ended is not None
        and not Raffle.objects.for_org(organization).filter(campaign=ended).exists()
    ):
        title, prize = text["drawn"]
        raffle = services.raffle_create(
            actor=manager,
            campaign=ended,
            title=title,
            prize=prize,
            winners_count=1,
            min_shares=1,
            closes_at=now + timedelta(hours=1),
            now=now,
        )
        # As if it had been created with the campaign and closed when the campaign ended.
        Raffle.objects.filter(pk=raffle.pk).update(
            closes_at=ended.ends_at, created_at=ended.starts_at
        )
        raffle.refresh_from_db()
        raffle = services.raffle_close(actor=manager, raffle=raffle, now=ended.ends_at)
        raffle = services.raffle_draw_winners(
            actor=manager,
            raffle=raffle,
            public_value=text["public_value"],
            now=min(now, ended.ends_at + timedelta(days=1)),
        )
        problems = verify_proof(raffle_proof(raffle))
        if problems:  # the algorithm and the proof disagree: a bug, loudly
            raise RuntimeError("Demo raffle does not verify: " + " ".join(problems))
        log.info("Demo raffle drawn and verified: /raffles/%s/", raffle.public_id)
