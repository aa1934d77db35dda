"""Reads on linked network accounts shared by pages, the API and tasks.

A member's accounts are reached through the member (``user``), never by a bare id: another
person's account id gives the same 404 as one that does not exist. An organization's view of
connection health counts its own active members' accounts only, in aggregate queries.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import models
from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from advocacy.models import Membership, Organization, User
from advocacy.networks import Network

from ..connectors import registry
from ..connectors.error_counts import error_counts, last_error
from ..models import AccountStatus, NetworkAccount, NetworkPolicy
from ..services.accounts import CONNECTABLE_NETWORKS

#: How long before a token lapses that it counts as "expiring" (warnings, banner, health).
EXPIRY_WARNING_DAYS = 7


def dialog_networks_shown() -> list[tuple[str, str, object]]:
    """(key, label, description) of the networks shared through the network's own dialog or
    intent (declared by their connectors): nothing to connect, always there."""
    return [
        (c.key or c.network, str(Network(c.network).label), c.description)
        for c in registry.dialog_connectors()
    ]


class Health(models.TextChoices):
    CONNECTED = "connected", gettext_lazy("Connected")
    EXPIRING = "expiring", gettext_lazy("Expiring soon")
    NEEDS_RECONNECT = "needs_reconnect", gettext_lazy("Needs reconnecting")
    DISCONNECTED = "disconnected", gettext_lazy("Disconnected")


@dataclass(frozen=True)
class AccountHealth:
    state: str  # a Health value
    days_left: int | None = None  # whole days until the token lapses, when it can lapse

    @property
    def label(self) -> str:
        if self.state == Health.EXPIRING and self.days_left is not None:
            if self.days_left <= 0:
                return _("Expires today")
            from django.utils.translation import ngettext

            return ngettext(
                "Expires in %(days)d day", "Expires in %(days)d days", self.days_left
            ) % {"days": self.days_left}
        return str(Health(self.state).label)


def account_health(account: NetworkAccount, *, now: datetime | None = None) -> AccountHealth:
    now = now or timezone.now()
    if account.status == AccountStatus.DISCONNECTED or (
        account.status == AccountStatus.CONNECTED and not account.access_token_encrypted
    ):
        return AccountHealth(Health.DISCONNECTED)
    if account.status == AccountStatus.NEEDS_RECONNECT:
        return AccountHealth(Health.NEEDS_RECONNECT)
    expires = account.token_expires_at
    if expires is None:
        return AccountHealth(Health.CONNECTED)
    if expires <= now:
        return AccountHealth(Health.NEEDS_RECONNECT)
    days_left = (expires - now).days
    if expires - now <= timedelta(days=EXPIRY_WARNING_DAYS):
        return AccountHealth(Health.EXPIRING, days_left)
    return AccountHealth(Health.CONNECTED, days_left)


def network_accounts_of_user(*, user: User) -> list[NetworkAccount]:
    """The member's linked accounts (every status), by network then name."""
    return list(NetworkAccount.objects.filter(user=user).order_by("network", "display_name", "pk"))


def network_account_of_user(*, user: User, account_id: int | str) -> NetworkAccount:
    """One of the member's own accounts, or 404 (the same for missing and someone else's)."""
    try:
        return NetworkAccount.objects.get(user=user, pk=account_id)
    except (NetworkAccount.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("Not found.")) from exc


def accounts_needing_attention(user: User, *, now: datetime | None = None) -> list[NetworkAccount]:
    """Accounts the member should reconnect soon or now (banner on home and My networks)."""
    now = now or timezone.now()
    soon = now + timedelta(days=EXPIRY_WARNING_DAYS)
    return list(
        NetworkAccount.objects.filter(user=user)
        .filter(
            Q(status=AccountStatus.NEEDS_RECONNECT)
            | Q(status=AccountStatus.CONNECTED, token_expires_at__lte=soon)
        )
        .order_by("token_expires_at", "pk")
    )


def network_policies(*, organization: Organization) -> dict[str, NetworkPolicy]:
    return {p.network: p for p in NetworkPolicy.objects.for_org(organization)}


@dataclass(frozen=True)
class NetworkOption:
    network: str
    label: str
    required: bool
    allowed: bool


def connectable_networks(*, organization: Organization) -> list[NetworkOption]:
    """The networks a member may connect here, with the organization's policy applied."""
    policies = network_policies(organization=organization)
    options = []
    for network in CONNECTABLE_NETWORKS:
        policy = policies.get(network)
        options.append(
            NetworkOption(
                network=network,
                label=str(Network(network).label),
                required=bool(policy and policy.required and policy.allowed),
                allowed=policy.allowed if policy else True,
            )
        )
    return options


def network_allowed(*, organization: Organization, network: str) -> bool:
    """False when the organization restricts ``network`` (sharing there is not offered)."""
    return (
        not NetworkPolicy.objects.for_org(organization)
        .filter(network=network, allowed=False)
        .exists()
    )


#: What each connector error class means, for people.
ERROR_LABELS: dict[str, object] = {
    "Transient": gettext_lazy("Temporary failure at the network"),
    "RateLimited": gettext_lazy("Rate limited"),
    "QuotaExceeded": gettext_lazy("Publishing quota reached"),
    "ReauthRequired": gettext_lazy("Reconnection required"),
    "PermissionMissing": gettext_lazy("Permission missing"),
    "Rejected": gettext_lazy("Post refused"),
    "Duplicate": gettext_lazy("Duplicate post"),
    "UnknownOutcome": gettext_lazy("No answer from the network"),
}


@dataclass(frozen=True)
class NetworkHealthRow:
    network: str
    label: str
    connected_members: int
    needs_reconnect_members: int
    expiring_members: int
    required: bool
    allowed: bool
    #: Errors Chorus met talking to the network in the last 24 hours (all organizations: the
    #: connection is shared), and the latest one (what kind, when; never its message).
    errors_24h: int = 0
    last_error: str = ""
    last_error_at: datetime | None = None


def network_health_for_org(
    *, organization: Organization, now: datetime | None = None
) -> dict[str, Any]:
    """Per network: the organization's active members connected, needing reconnection,
    expiring; and the errors Chorus met with the network in the last 24 hours.

    One aggregate query over the accounts of this organization's active members (no loop per
    member), one for the member count and one for the policies.
    """
    now = now or timezone.now()
    soon = now + timedelta(days=EXPIRY_WARNING_DAYS)
    members = Membership.objects.filter(organization=organization, is_active=True)
    live = Q(status=AccountStatus.CONNECTED) & (
        Q(token_expires_at__isnull=True) | Q(token_expires_at__gt=now)
    )
    lapsed = Q(status=AccountStatus.NEEDS_RECONNECT) | Q(
        status=AccountStatus.CONNECTED, token_expires_at__lte=now
    )
    expiring = Q(
        status=AccountStatus.CONNECTED, token_expires_at__gt=now, token_expires_at__lte=soon
    )
    rows = (
        NetworkAccount.objects.filter(user_id__in=members.values("user_id"))
        .values("network")
        .annotate(
            connected=Count("user_id", filter=live, distinct=True),
            lapsed=Count("user_id", filter=lapsed, distinct=True),
            expiring=Count("user_id", filter=expiring, distinct=True),
        )
        .order_by()
    )
    by_network = {row["network"]: row for row in rows}
    policies = network_policies(organization=organization)
    result = []
    for network in CONNECTABLE_NETWORKS:
        row: Mapping[str, Any] = by_network.get(network, {})
        policy = policies.get(network)
        latest = last_error(network)
        result.append(
            NetworkHealthRow(
                network=network,
                label=str(Network(network).label),
                connected_members=row.get("connected", 0),
                needs_reconnect_members=row.get("lapsed", 0),
                expiring_members=row.get("expiring", 0),
                required=bool(policy and policy.required),
                allowed=policy.allowed if policy else True,
                errors_24h=sum(error_counts(network, hours=24).values()),
                last_error=str(ERROR_LABELS.get(latest.error_class, latest.error_class))
                if latest
                else "",
                last_error_at=latest.at if latest else None,
            )
        )
    return {"active_members": members.count(), "networks": result}


def accounts_expiring_for_warning(*, now: datetime) -> models.QuerySet:
    """Connected accounts whose token lapses within the warning window and whose member has
    not been warned about this expiry yet (the warning is reset when the token changes)."""
    return (
        NetworkAccount.objects.filter(
            status=AccountStatus.CONNECTED,
            token_expires_at__gt=now,
            token_expires_at__lte=now + timedelta(days=EXPIRY_WARNING_DAYS),
            expiry_warned_at__isnull=True,
        )
        .exclude(access_token_encrypted="")
        .select_related("user")
        .order_by("token_expires_at", "pk")
    )
