"""The compose rules: where a member can share an item, with which caption, and when.

Pages (the composer), the API and anything else that composes call ``share_compose``, which
applies these rules and hands the result to ``social.services.shares.share_create``:

* **targets**: every linked account and dialog network (``composer_targets``); "all my
  networks" is every available one of them;
* **the default caption** of a target is the item's suggestion for its network, else the
  first suggestion for any network (``default_caption``);
* **when**: now, a chosen time, or this member's suggested time (``suggested_share_time``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from advocacy.models import Membership, Organization
from advocacy.networks import Network
from content_library.models import ContentItem

from ..connectors import registry
from ..models import NetworkAccount, Share, ShareState
from ..selectors.targets import (
    account_refusal,
    disallowed_networks,
    member_accounts,
    network_refusal,
)

WHEN_NOW = "now"
WHEN_SCHEDULE = "schedule"
WHEN_SUGGESTED = "suggested"


@dataclass(frozen=True)
class ShareTarget:
    """Where to share and with which caption: a linked account, or (``account=None``) a
    share-dialog network (``network``: Facebook profile or X)."""

    caption: str
    account: NetworkAccount | None = None
    network: str = ""

    @property
    def target_network(self) -> str:
        return self.account.network if self.account is not None else self.network

    @property
    def is_dialog(self) -> bool:
        return self.account is None


def organization_zone(organization: Organization) -> ZoneInfo:
    try:
        return ZoneInfo(organization.time_zone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


# --- targets and their default captions -----------------------------------------------------


@dataclass
class ComposerTarget:
    """One row of the composer: a linked account or a share-dialog network."""

    key: str  # "account-<id>" or "dialog-<network>"
    network: str
    label: str
    account: NetworkAccount | None
    caption: str
    alternatives: list[str] = field(default_factory=list)
    refusal: str = ""

    @property
    def is_dialog(self) -> bool:
        return self.account is None

    @property
    def network_label(self) -> str:
        return str(Network(self.network).label)

    @property
    def available(self) -> bool:
        return not self.refusal

    # How the network posts, as its connector declares it (for the composer's notes/preview).
    @property
    def link_in_caption(self) -> bool:
        return registry.link_in_caption(self.network)

    @property
    def dialog_takes_caption(self) -> bool:
        connector = registry.dialog_connector(self.network) if self.is_dialog else None
        return bool(connector and connector.takes_caption)


def account_key(account_id: int) -> str:
    return f"account-{account_id}"


def dialog_key(network: str) -> str:
    return f"dialog-{network}"


def suggested_captions(item: ContentItem) -> dict[str, list[str]]:
    """The item's suggested captions per network, in their order (prefetched or one query)."""
    out: dict[str, list[str]] = defaultdict(list)
    for c in item.captions.all():
        out[c.network].append(c.text)
    return dict(out)


def default_caption(captions: dict[str, list[str]], network: str) -> tuple[str, list[str]]:
    """The caption to start with for ``network`` and its alternatives: the network's own
    suggestions, else the first suggestion for any network, else nothing."""
    own = captions.get(network) or []
    if own:
        return own[0], list(own)
    for texts in captions.values():
        if texts:
            return texts[0], [texts[0]]
    return "", []


def composer_targets(*, membership: Membership, item: ContentItem) -> list[ComposerTarget]:
    """Every place the member could share ``item`` to, with default captions; targets
    that cannot take it carry a ``refusal`` the composer shows instead of a checkbox."""
    captions = suggested_captions(item)
    blocked = disallowed_networks(organization=membership.organization)
    targets: list[ComposerTarget] = []
    for account in member_accounts(membership=membership):
        if account.network in blocked:
            continue
        caption, alternatives = default_caption(captions, account.network)
        refusal = account_refusal(account=account, membership=membership) or network_refusal(
            item=item, network=account.network, dialog=False
        )
        name = account.display_name or account.external_id
        targets.append(
            ComposerTarget(
                key=account_key(account.pk),
                network=account.network,
                label=f"{account.get_network_display()}: {name}",
                account=account,
                caption=caption,
                alternatives=alternatives,
                refusal=refusal,
            )
        )
    for connector in registry.dialog_connectors():
        network = connector.network
        if network in blocked:
            continue
        caption, alternatives = default_caption(captions, network)
        label = connector.target_label or _("%(network)s (through its share dialog)") % {
            "network": Network(network).label
        }
        targets.append(
            ComposerTarget(
                key=dialog_key(network),
                network=network,
                label=str(label),
                account=None,
                caption=caption,
                alternatives=alternatives,
                refusal=network_refusal(item=item, network=network, dialog=True),
            )
        )
    return targets


def compose_targets(
    *,
    membership: Membership,
    item: ContentItem,
    chosen: Sequence[str] = (),
    captions: Mapping[str, str] | None = None,
    all_networks: bool = False,
) -> list[ShareTarget]:
    """The targets a member chose (keys ``account-<id>`` / ``dialog-<network>``), or with
    ``all_networks`` every available one, each with its caption from ``captions`` (by key)
    or else its default caption. Whether each target may take the item is
    ``share_create``'s to check."""
    captions = captions or {}
    if all_networks:
        chosen = [t.key for t in composer_targets(membership=membership, item=item) if t.available]
    if not chosen:
        raise ValidationError({"targets": [_("Choose at least one network to share to.")]})
    suggestions = suggested_captions(item)
    ids = {int(key.split("-", 1)[1]) for key in chosen if key.startswith("account-")}
    accounts = {
        a.pk: a for a in NetworkAccount.objects.filter(user_id=membership.user_id, pk__in=ids)
    }
    out = []
    for key in chosen:
        kind, _sep, value = key.partition("-")
        account = accounts.get(int(value)) if kind == "account" and value.isdigit() else None
        if kind == "account" and account is None:
            raise ValidationError({"targets": [_("Choose one of your own linked accounts.")]})
        if kind not in ("account", "dialog") or (kind == "dialog" and not value):
            raise ValidationError({"targets": [_("Choose a network Chorus knows.")]})
        network = account.network if account is not None else value
        caption = captions.get(key)
        if caption is None:
            caption = default_caption(suggestions, network)[0]
        out.append(
            ShareTarget(caption=caption, account=account, network="" if account else network)
        )
    return out


def compose_scheduled_at(
    *, membership: Membership, when: str = WHEN_NOW, scheduled_at: datetime | None = None
) -> datetime | None:
    """``None`` (now), the chosen time, or this member's suggested time."""
    if when == WHEN_SUGGESTED:
        return suggested_share_time(membership=membership)
    if when == WHEN_SCHEDULE:
        if scheduled_at is None:
            raise ValidationError({"scheduled_at": [_("Choose the date and time to share at.")]})
        return scheduled_at
    return None


def share_compose(
    *,
    membership: Membership,
    item: ContentItem,
    chosen: Sequence[str] = (),
    captions: Mapping[str, str] | None = None,
    all_networks: bool = False,
    when: str = WHEN_NOW,
    scheduled_at: datetime | None = None,
) -> list[Share]:
    """Share ``item`` as composed (see the module docstring); every rule of
    ``social.services.shares.share_create`` applies."""
    from .shares import share_create

    return share_create(
        membership=membership,
        item=item,
        targets=compose_targets(
            membership=membership,
            item=item,
            chosen=chosen,
            captions=captions,
            all_networks=all_networks,
        ),
        scheduled_at=compose_scheduled_at(
            membership=membership, when=when, scheduled_at=scheduled_at
        ),
    )


# --- suggested time -------------------------------------------------------------------------

#: Fewer published shares than this and the member's history says nothing yet.
SUGGESTED_TIME_MIN_SHARES = 3
SUGGESTED_TIME_HISTORY = 200
SUGGESTED_TIME_LEAD = timedelta(minutes=15)
#: The default: Tuesday to Thursday at 09:00 in the organization's time zone.
DEFAULT_WEEKDAYS = (1, 2, 3)
DEFAULT_HOUR = 9


def _engagement(row: dict[str, Any]) -> int:
    return sum(row.get(k) or 0 for k in ("reactions", "comments", "reshares", "clicks"))


def _next_slot(now_local: datetime, weekday: int, hour: int) -> datetime:
    days = (weekday - now_local.weekday()) % 7
    candidate = now_local.replace(hour=hour, minute=0, second=0, microsecond=0) + timedelta(
        days=days
    )
    if candidate <= now_local:
        candidate += timedelta(days=7)
    return candidate


def best_hours_of_week(*, membership: Membership) -> list[tuple[int, int, float, int]]:
    """(weekday, hour, mean engagement, shares) per hour of the week in the organization's
    zone, best first, from the member's latest published shares (one bounded query)."""
    zone = organization_zone(membership.organization)
    rows = (
        Share.objects.for_org(membership.organization)
        .filter(membership=membership, state=ShareState.PUBLISHED, published_at__isnull=False)
        .order_by("-id")
        .values("published_at", "reactions", "comments", "reshares", "clicks")[
            :SUGGESTED_TIME_HISTORY
        ]
    )
    buckets: dict[tuple[int, int], list[int]] = defaultdict(list)
    for row in rows:
        local = row["published_at"].astimezone(zone)
        buckets[(local.weekday(), local.hour)].append(_engagement(row))
    ranked = [
        (wd, hour, sum(values) / len(values), len(values)) for (wd, hour), values in buckets.items()
    ]
    ranked.sort(key=lambda r: (-r[2], -r[3], r[0], r[1]))
    return ranked


def suggested_share_time(*, membership: Membership, now: datetime | None = None) -> datetime:
    """When this member's shares have earned most engagement (hour of the week), next time
    it comes round; without enough history, the next Tuesday-Thursday 09:00 in the
    organization's zone. Always an aware datetime at least 15 minutes ahead."""
    now = now or timezone.now()
    zone = organization_zone(membership.organization)
    earliest = (now + SUGGESTED_TIME_LEAD).astimezone(zone)
    ranked = best_hours_of_week(membership=membership)
    total = sum(r[3] for r in ranked)
    if total >= SUGGESTED_TIME_MIN_SHARES and ranked and ranked[0][2] > 0:
        weekday, hour = ranked[0][0], ranked[0][1]
        return _next_slot(earliest, weekday, hour).astimezone(UTC)
    return min(_next_slot(earliest, wd, DEFAULT_HOUR) for wd in DEFAULT_WEEKDAYS).astimezone(UTC)
