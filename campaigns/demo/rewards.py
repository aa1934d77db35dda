"""Demo rewards: a catalogue in the organization's language (with pictures drawn here, so
no file or internet is needed), one out of stock and one no longer offered, and requests in
every state. Members who redeem get enough spendable points first: from the points demo
when it gave them some, else a "Welcome bonus" adjustment through the ledger.

Idempotent: rewards are keyed on their names, requests on their request keys, bonuses on
their ledger keys; a request moves on only from the state this seed left it in.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from advocacy.models import Membership, Organization

from ..models import PointsAction, PointsBalance, Redemption, RedemptionStatus, Reward
from ..services.ledger import points_entry_append
from ..services.rewards import (
    redemption_approve,
    redemption_cancel,
    redemption_fulfil,
    redemption_reject,
    reward_create,
    reward_redeem,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DemoReward:
    key: str
    name: str
    description: str
    alt: str
    cost: int
    stock: int | None
    colour: tuple[int, int, int]
    active: bool = True


_EN = [
    DemoReward(
        "hoodie",
        "Company hoodie",
        "Warm, soft and in our colours. Choose your size when it is approved.",
        "A navy hoodie with the company logo",
        300,
        12,
        (44, 62, 120),
    ),
    DemoReward(
        "coffee",
        "Coffee with the CEO",
        "Thirty minutes, one coffee, any question you like.",
        "Two coffee cups on a table",
        500,
        2,
        (120, 78, 48),
    ),
    DemoReward(
        "charity",
        "€20 to a charity you choose",
        "We give twenty euros to a registered charity of your choice.",
        "A heart drawn in green",
        200,
        None,
        (40, 120, 70),
    ),
    DemoReward(
        "day-off",
        "An extra day off",
        "One more day of holiday this year, agreed with your manager.",
        "A calendar with one day circled",
        1500,
        1,
        (200, 120, 30),
    ),
    DemoReward(
        "conference",
        "A conference ticket",
        "A ticket to an industry conference in the Baltics.",
        "A conference badge on a lanyard",
        2000,
        0,
        (90, 40, 140),
    ),
    DemoReward(
        "mug",
        "Mug with the old logo",
        "The last of the mugs from before the rebranding.",
        "A white mug",
        100,
        5,
        (150, 150, 160),
        active=False,
    ),
]

_LT = [
    DemoReward(
        "hoodie",
        "Įmonės džemperis",
        "Šiltas, minkštas ir mūsų spalvų. Dydį pasirinksite, kai prašymas bus patvirtintas.",
        "Tamsiai mėlynas džemperis su įmonės logotipu",
        300,
        12,
        (44, 62, 120),
    ),
    DemoReward(
        "coffee",
        "Kava su generaliniu direktoriumi",
        "Trisdešimt minučių, vienas puodelis kavos ir bet kokie klausimai.",
        "Du kavos puodeliai ant stalo",
        500,
        2,
        (120, 78, 48),
    ),
    DemoReward(
        "charity",
        "20 € jūsų pasirinktai labdarai",
        "Paaukosime dvidešimt eurų jūsų pasirinktai registruotai labdaros organizacijai.",
        "Žalia nupiešta širdis",
        200,
        None,
        (40, 120, 70),
    ),
    DemoReward(
        "day-off",
        "Papildoma laisva diena",
        "Dar viena atostogų diena šiais metais, suderinta su vadovu.",
        "Kalendorius su apibraukta diena",
        1500,
        1,
        (200, 120, 30),
    ),
    DemoReward(
        "conference",
        "Bilietas į konferenciją",
        "Bilietas į pramonės konferenciją Baltijos šalyse.",
        "Konferencijos ženklelis ant juostelės",
        2000,
        0,
        (90, 40, 140),
    ),
    DemoReward(
        "mug",
        "Puodelis su senuoju logotipu",
        "Paskutiniai puodeliai iš laikų prieš prekės ženklo atnaujinimą.",
        "Baltas puodelis",
        100,
        5,
        (150, 150, 160),
        active=False,
    ),
]

_NOTES = {
    "en": {
        "bonus": "Welcome bonus",
        "approved": "Enjoy! We will be in touch about when and where.",
        "fulfilled": "Handed over at the Vilnius reception.",
        "rejected": "The CEO is travelling this quarter; please ask again in autumn.",
    },
    "lt": {
        "bonus": "Sveikinimo premija",
        "approved": "Sveikiname! Susisieksime dėl laiko ir vietos.",
        "fulfilled": "Įteikta Vilniaus registratūroje.",
        "rejected": "Direktorius šį ketvirtį keliauja; paprašykite dar kartą rudenį.",
    },
}

#: (reward key, the state the request ends in), one per redeeming employee.
_REQUESTS = [
    ("hoodie", RedemptionStatus.FULFILLED),
    ("charity", RedemptionStatus.APPROVED),
    ("hoodie", RedemptionStatus.REQUESTED),
    ("coffee", RedemptionStatus.REJECTED),
    ("charity", RedemptionStatus.CANCELLED),
    ("coffee", RedemptionStatus.REQUESTED),
]

#: Spendable points a redeeming member keeps after their request, so the catalogue shows
#: something they can still afford and something they cannot.
_LEFT_OVER = 250


def _picture(colour: tuple[int, int, int]) -> ContentFile:
    """A simple picture: the colour with a lighter circle, as a PNG."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (480, 300), colour)
    light = tuple(min(255, c + 90) for c in colour)
    ImageDraw.Draw(image).ellipse((170, 80, 310, 220), fill=light)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return ContentFile(buffer.getvalue(), name="reward.png")


def _reward(organization: Organization, actor: Membership, spec: DemoReward) -> Reward:
    existing = Reward.objects.for_org(organization).filter(name=spec.name).first()
    if existing is not None:
        return existing
    return reward_create(
        actor=actor,
        name=spec.name,
        description=spec.description,
        cost=spec.cost,
        stock=spec.stock,
        image=_picture(spec.colour),
        image_alt_text=spec.alt,
        is_active=spec.active,
    )


def _enough_points(member: Membership, need: int, note: str, key: str) -> None:
    """Top the member's spendable points up to ``need`` once (the points demo may have
    given them enough already)."""
    have = (
        PointsBalance.objects.filter(organization_id=member.organization_id, membership=member)
        .values_list("spendable", flat=True)
        .first()
    ) or 0
    if have >= need:
        return
    points_entry_append(
        membership=member,
        action=PointsAction.ADJUSTMENT,
        points=need - have,
        dedupe_key=f"demo:welcome:{member.pk}:{key}",
        note=note,
    )


def _request(
    *,
    member: Membership,
    manager: Membership,
    reward: Reward,
    target: str,
    key: str,
    notes: dict[str, str],
) -> Redemption | None:
    earlier = Redemption.objects.for_org(member.organization).filter(
        membership=member, request_key=key
    )
    if not earlier.exists():
        _enough_points(member, reward.cost + _LEFT_OVER, notes["bonus"], key)
    try:
        redemption = reward_redeem(actor=member, reward=reward, request_key=key)
    except ValidationError as exc:  # out of stock after a manager's edits: go on without it
        log.warning("demo redemption of %s skipped: %s", reward.pk, exc)
        return None
    if redemption.status != RedemptionStatus.REQUESTED or target == RedemptionStatus.REQUESTED:
        return redemption
    if target == RedemptionStatus.CANCELLED:
        return redemption_cancel(actor=member, redemption=redemption)
    if target == RedemptionStatus.REJECTED:
        return redemption_reject(actor=manager, redemption=redemption, reason=notes["rejected"])
    approved = redemption_approve(actor=manager, redemption=redemption, note=notes["approved"])
    if target == RedemptionStatus.FULFILLED:
        return redemption_fulfil(actor=manager, redemption=approved, note=notes["fulfilled"])
    return approved


def seed(*, organization: Organization, members: Any) -> None:
    memberships = list(members)
    managers = [m for m in memberships if m.role in ("manager", "admin")]
    if not managers:
        return
    manager = next((m for m in managers if m.role == "manager"), managers[0])
    lang = "lt" if organization.default_language == "lt" else "en"
    specs = _LT if lang == "lt" else _EN
    rewards = {spec.key: _reward(organization, manager, spec) for spec in specs}
    redeemers = [m for m in memberships if m.role == "employee"] or memberships
    for n, (key, target) in enumerate(_REQUESTS):
        member = redeemers[n % len(redeemers)]
        _request(
            member=member,
            manager=manager,
            reward=rewards[key],
            target=target,
            key=f"demo-{n}",
            notes=_NOTES[lang],
        )
