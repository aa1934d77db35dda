"""Writes on linked network accounts: connect (upsert), disconnect, token updates, policy
(re-encryption, refresh and expiry warnings are ``social.services.tokens``).

A ``NetworkAccount`` is the person's (global); the organization only enters through the
network policies an organization's admins set. Tokens are handled only through the model's
encrypting accessors, never logged, never serialized.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from advocacy.models import Membership, User
from advocacy.networks import Network
from advocacy.permissions import Capability, capability_require
from advocacy.services import audit_log_record

from ..connectors.base import Profile, TokenSet
from ..connectors.registry import api_networks
from ..models import AccountStatus, NetworkAccount, NetworkPolicy

logger = logging.getLogger(__name__)

#: Networks a member links through OAuth: those Chorus posts to by API (declared by the
#: connectors); the others go through share dialogs.
CONNECTABLE_NETWORKS: tuple[str, ...] = api_networks()


def network_account_connect(
    *, user: User, network: str, profile: Profile, tokens: TokenSet
) -> NetworkAccount:
    """Link (or re-link) ``user``'s account ``profile`` on ``network`` with fresh tokens.

    Upserts by (user, network, external id): reconnecting the same network account updates
    the same row, so its shares keep their history. The account becomes connected again.
    """
    if network not in CONNECTABLE_NETWORKS:
        raise ValidationError(_("This network cannot be connected."))
    if not profile.external_id:
        raise ValidationError(_("The network did not say which account this is."))
    now = timezone.now()
    for attempt in range(2):
        try:
            with transaction.atomic():
                account = (
                    NetworkAccount.objects.select_for_update()
                    .filter(user=user, network=network, external_id=profile.external_id)
                    .first()
                )
                if account is None:
                    account = NetworkAccount(
                        user=user, network=network, external_id=profile.external_id
                    )
                account.kind = profile.kind
                account.display_name = (profile.display_name or "")[:200]
                if profile.profile_url:
                    account.profile_url = profile.profile_url[:500]
                if profile.avatar_url:
                    account.avatar_url = profile.avatar_url[:1000]
                if profile.audience_size is not None:
                    account.audience_size = max(0, int(profile.audience_size))
                    account.audience_updated_at = now
                account.set_tokens(
                    access_token=tokens.access_token,
                    expires_at=tokens.expires_at,
                    refresh_token=tokens.refresh_token or "",
                    refresh_expires_at=tokens.refresh_expires_at if tokens.refresh_token else None,
                )
                account.scopes = sorted(set(tokens.scopes))
                account.extra = {**(account.extra or {}), **profile.extra}
                account.status = AccountStatus.CONNECTED
                account.status_reason = ""
                account.connected_at = now
                account.last_refreshed_at = now
                account.expiry_warned_at = None
                account.save()
                return account
        except IntegrityError:
            # A concurrent connect of the same account created the row first: update it.
            if attempt:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def network_account_reconnect_refusal(*, user: User, network: str, login_uid: str) -> str:
    """Why a connect that came back from ``network`` as ``login_uid`` is refused, or ``""``.

    Reconnecting re-authorises the account already connected: while the person has a connected
    (or needs-reconnecting) account on ``network``, the network login coming back must be that
    account's (for Facebook, the user who manages the pages). A different account is refused
    instead of becoming a second row; disconnecting first makes way for another account.
    """
    active = NetworkAccount.objects.filter(
        user=user,
        network=network,
        status__in=[AccountStatus.CONNECTED, AccountStatus.NEEDS_RECONNECT],
    ).order_by("pk")
    known = {_login_uid(account): account for account in active}
    if not known or str(login_uid) in known:
        return ""
    names = ", ".join(a.display_name or a.external_id for a in known.values())
    label = Network(network).label
    return _(
        "%(network)s came back with a different account than the one connected to Chorus "
        "(%(names)s), so nothing was changed. To reconnect, sign in to %(network)s as "
        "%(names)s and try again; to use another account, disconnect %(names)s first."
    ) % {"network": label, "names": names}


def network_account_disconnect(*, account: NetworkAccount) -> NetworkAccount:
    """Wipe the tokens and mark the account disconnected; its shares keep their history.

    The allauth link (``SocialAccount``, which holds no tokens) goes too once no connected
    account of the same network login remains, so the network account can be linked again,
    by this person or another.
    """
    with transaction.atomic():
        account = NetworkAccount.objects.select_for_update().get(pk=account.pk)
        account.wipe_tokens()
        account.status = AccountStatus.DISCONNECTED
        account.status_reason = ""
        account.expiry_warned_at = None
        account.save()
        _social_login_unlink_if_unused(account)
    return account


def _login_uid(account: NetworkAccount) -> str:
    """The network login behind an account: the page's user for Facebook pages."""
    if account.network == Network.FACEBOOK:
        return str((account.extra or {}).get("user_id") or "")
    return account.external_id


def _social_login_unlink_if_unused(account: NetworkAccount) -> None:
    from allauth.socialaccount.models import SocialAccount

    uid = _login_uid(account)
    if not uid:
        return
    siblings = NetworkAccount.objects.filter(
        user_id=account.user_id, network=account.network, status=AccountStatus.CONNECTED
    ).exclude(pk=account.pk)
    if any(_login_uid(other) == uid for other in siblings):
        return
    SocialAccount.objects.filter(
        user_id=account.user_id, provider=account.network, uid=uid
    ).delete()


def network_accounts_disconnect_for_login(*, user_id: int, network: str, uid: str) -> int:
    """Every connected account that came through one network login (allauth's own disconnect)."""
    count = 0
    for account in NetworkAccount.objects.filter(user_id=user_id, network=network).exclude(
        status=AccountStatus.DISCONNECTED
    ):
        if _login_uid(account) == uid:
            with transaction.atomic():
                locked = NetworkAccount.objects.select_for_update().get(pk=account.pk)
                locked.wipe_tokens()
                locked.status = AccountStatus.DISCONNECTED
                locked.save()
            count += 1
    return count


def network_account_mark_needs_reconnect(*, account: NetworkAccount, reason: str = "") -> None:
    """The token failed or lapsed: the member must reconnect (publishing waits for it)."""
    NetworkAccount.objects.filter(pk=account.pk).exclude(status=AccountStatus.DISCONNECTED).update(
        status=AccountStatus.NEEDS_RECONNECT,
        status_reason=(reason or "")[:300],
        updated_at=timezone.now(),
    )
    account.refresh_from_db()


def network_account_tokens_update(*, account: NetworkAccount, tokens: TokenSet) -> NetworkAccount:
    """Store a refreshed token set (the refresh token is kept when the network sent none)."""
    with transaction.atomic():
        locked = NetworkAccount.objects.select_for_update().get(pk=account.pk)
        if locked.status == AccountStatus.DISCONNECTED:
            return locked  # disconnected meanwhile: never bring tokens back
        locked.set_tokens(
            access_token=tokens.access_token,
            expires_at=tokens.expires_at,
            refresh_token=tokens.refresh_token,
            refresh_expires_at=tokens.refresh_expires_at,
        )
        if tokens.scopes:
            locked.scopes = sorted(set(tokens.scopes))
        locked.status = AccountStatus.CONNECTED
        locked.status_reason = ""
        locked.last_refreshed_at = timezone.now()
        locked.expiry_warned_at = None
        locked.save()
    return locked


def network_account_expiry_warned(*, account: NetworkAccount, at: datetime) -> None:
    NetworkAccount.objects.filter(pk=account.pk).update(expiry_warned_at=at)


def network_account_audience_record(*, account: NetworkAccount, audience_size: int) -> None:
    """Followers or connections as the network last reported them (for potential reach)."""
    NetworkAccount.objects.filter(pk=account.pk).update(
        audience_size=max(0, int(audience_size)), audience_updated_at=timezone.now()
    )


def network_policy_set(
    *,
    actor: Membership,
    network: str,
    required: bool,
    allowed: bool,
) -> NetworkPolicy:
    """Require or restrict a network for the actor's organization's members (audit-logged);
    only a role that manages networks may."""
    capability_require(actor, Capability.MANAGE_NETWORKS)
    organization = actor.organization
    if network not in Network.values:
        raise ValidationError({"network": [_("Unknown network.")]})
    if required and not allowed:
        raise ValidationError(
            {"required": [_("A network that is not allowed cannot be required.")]}
        )
    with transaction.atomic():
        policy, _created = NetworkPolicy.objects.select_for_update().get_or_create(
            organization=organization, network=network
        )
        before: dict[str, Any] = {"required": policy.required, "allowed": policy.allowed}
        if before == {"required": required, "allowed": allowed} and not _created:
            return policy
        policy.required = required
        policy.allowed = allowed
        policy.save()
        audit_log_record(
            organization=organization,
            actor=actor.user,
            action="network_policy.update",
            target=policy,
            data={
                "network": network,
                "before": before,
                "after": {"required": required, "allowed": allowed},
            },
        )
    return policy
