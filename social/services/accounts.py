"""Writes on linked network accounts: connect (upsert), disconnect, health, tokens, policy.

A ``NetworkAccount`` is the person's (global); the organization only enters through the
network policies an organization's admins set. Tokens are handled only through the model's
encrypting accessors, never logged, never serialized.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from advocacy.models import Membership, Organization, User
from advocacy.networks import Network
from advocacy.services import audit_log_record

from .. import crypto
from ..connectors.base import AccountRef, ConnectorError, Profile, ReauthRequired, TokenSet
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
    organization: Organization,
    actor: User,
    network: str,
    required: bool,
    allowed: bool,
) -> NetworkPolicy:
    """Require or restrict a network for the organization's members (audit-logged)."""
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
            actor=actor,
            action="network_policy.update",
            target=policy,
            data={
                "network": network,
                "before": before,
                "after": {"required": required, "allowed": allowed},
            },
        )
    return policy


def _newest_key() -> Fernet | None:
    """The key new tokens are encrypted with, or None when only one key exists (no rotation)."""
    keys = list(settings.TOKEN_ENCRYPTION_KEYS)
    if len(keys) < 2:
        return None
    return Fernet(keys[0].encode())


def _needs_rotation(newest: Fernet, value: str) -> bool:
    if not value:
        return False
    try:
        newest.decrypt(value.encode())
    except InvalidToken:
        return True
    return False


def token_keys_rotate(*, batch_size: int = 500) -> dict[str, int]:
    """Re-encrypt every stored token under the newest key; idempotent.

    Returns counts: ``accounts`` holding tokens, ``reencrypted`` rows rewritten, ``current``
    rows already under the newest key, ``failed`` rows whose ciphertext no configured key
    can read (left untouched, logged by id).
    """
    counts = {"accounts": 0, "reencrypted": 0, "current": 0, "failed": 0}
    newest = _newest_key()
    qs = NetworkAccount.objects.exclude(access_token_encrypted="", refresh_token_encrypted="")
    last_id = 0
    while True:
        ids = list(
            qs.filter(pk__gt=last_id).order_by("pk").values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            break
        last_id = ids[-1]
        for pk in ids:
            counts["accounts"] += 1
            with transaction.atomic():
                account = NetworkAccount.objects.select_for_update().get(pk=pk)
                values = (account.access_token_encrypted, account.refresh_token_encrypted)
                if newest is None or not any(_needs_rotation(newest, v) for v in values):
                    counts["current"] += 1
                    continue
                try:
                    access, refresh = (crypto.reencrypt(v) for v in values)
                except InvalidToken:
                    counts["failed"] += 1
                    logger.error("token rotation: network account %s cannot be decrypted", pk)
                    continue
                NetworkAccount.objects.filter(pk=pk).update(
                    access_token_encrypted=access, refresh_token_encrypted=refresh
                )
                counts["reencrypted"] += 1
    return counts


# --- Token refresh and expiry warnings (driven by social.tasks.accounts) -----------------

#: Refresh refreshable tokens this long before they lapse (Instagram: 60-day tokens).
REFRESH_AHEAD = timedelta(days=10)


def _can_refresh(account: NetworkAccount) -> bool:
    """Instagram refreshes its long-lived tokens; LinkedIn only with a partner refresh token;
    Facebook user tokens need the person (page tokens do not expire)."""
    if account.network == Network.INSTAGRAM:
        return True
    return account.network == Network.LINKEDIN and bool(account.refresh_token_encrypted)


def network_account_refresh(*, account: NetworkAccount) -> str:
    """Refresh one account's token through its connector; returns what happened.

    ``refreshed``, ``unchanged`` (the network kept the token, e.g. too young), ``reconnect``
    (``ReauthRequired``: the account is marked "needs reconnecting"), ``retry`` (a transient
    error: the next run tries again) or ``skipped``.
    """
    from ..connectors.registry import connector_for

    if account.status != AccountStatus.CONNECTED or not account.access_token_encrypted:
        return "skipped"
    current = TokenSet(
        access_token=account.access_token,
        expires_at=account.token_expires_at,
        refresh_token=account.refresh_token or None,
        refresh_expires_at=account.refresh_expires_at,
        scopes=tuple(account.scopes or ()),
    )
    connector = connector_for(account.network, account.kind)
    ref = AccountRef(
        external_id=account.external_id, access_token=current.access_token, extra=account.extra
    )
    try:
        fresh = connector.refresh(ref, current)
    except ReauthRequired as exc:
        network_account_mark_needs_reconnect(account=account, reason=exc.message)
        return "reconnect"
    except ConnectorError as exc:
        logger.warning(
            "token refresh of network account %s (%s) failed: %s",
            account.pk,
            account.network,
            exc.message,
        )
        return "retry"
    if fresh.access_token == current.access_token and fresh.expires_at == current.expires_at:
        return "unchanged"
    network_account_tokens_update(account=account, tokens=fresh)
    return "refreshed"


def accounts_refresh_expiring(*, now: datetime | None = None, limit: int = 500) -> dict[str, int]:
    """Refresh tokens ahead of expiry where the network allows it; mark lapsed ones.

    Tokens that already lapsed and cannot be refreshed make their account "needs
    reconnecting" (publishing waits for it and the member sees it).
    """
    now = now or timezone.now()
    counts: dict[str, int] = {}
    candidates = NetworkAccount.objects.filter(
        status=AccountStatus.CONNECTED,
        token_expires_at__isnull=False,
        token_expires_at__lte=now + REFRESH_AHEAD,
    ).order_by("token_expires_at", "pk")[:limit]
    for account in candidates:
        if _can_refresh(account):
            outcome = network_account_refresh(account=account)
        elif account.token_expires_at <= now:
            network_account_mark_needs_reconnect(account=account, reason="token expired")
            outcome = "reconnect"
        else:
            outcome = "warn"  # only the member can renew it: accounts_warn_expiring tells them
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def _member_networks_url(user: User) -> str:
    membership = (
        Membership.objects.filter(user=user, is_active=True, organization__is_active=True)
        .select_related("organization")
        .order_by("joined_at", "pk")
        .first()
    )
    base = settings.SITE_URL.rstrip("/")
    if membership is None:
        return base + "/"
    return base + reverse("networks_mine", kwargs={"org_slug": membership.organization.slug})


def network_account_expiry_warn(*, account: NetworkAccount, now: datetime) -> bool:
    """E-mail the member, in their language, that the token lapses soon; once per expiry."""
    claimed = NetworkAccount.objects.filter(
        pk=account.pk, expiry_warned_at__isnull=True, token_expires_at=account.token_expires_at
    ).update(expiry_warned_at=now)
    if not claimed:
        return False  # warned already (or reconnected meanwhile)
    user = account.user
    context = {"account": account, "user": user, "networks_url": _member_networks_url(user)}
    language = user.language or settings.LANGUAGE_CODE
    try:
        with translation.override(language):
            subject = " ".join(
                render_to_string(
                    "social/accounts/email/expiry_warning_subject.txt", context
                ).split()
            )
            body = render_to_string("social/accounts/email/expiry_warning_body.txt", context)
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    except Exception:
        NetworkAccount.objects.filter(pk=account.pk).update(expiry_warned_at=None)
        raise
    return True


def accounts_warn_expiring(*, now: datetime | None = None) -> int:
    """Warn members whose tokens lapse within the warning window and cannot be refreshed."""
    from ..selectors.accounts import accounts_expiring_for_warning

    now = now or timezone.now()
    sent = 0
    for account in accounts_expiring_for_warning(now=now):
        if _can_refresh(account):
            continue  # refreshed ahead of expiry by accounts_refresh_expiring
        try:
            sent += network_account_expiry_warn(account=account, now=now)
        except Exception:
            logger.exception("expiry warning for network account %s failed", account.pk)
    return sent
