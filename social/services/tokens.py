"""Network tokens over time: re-encryption under a new key, refresh ahead of expiry, and
e-mails to members whose tokens lapse and only they can renew."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from advocacy.models import Membership, User
from advocacy.networks import Network

from .. import crypto
from ..connectors.base import AccountRef, ConnectorError, ReauthRequired, TokenSet
from ..models import AccountStatus, NetworkAccount
from .accounts import network_account_mark_needs_reconnect, network_account_tokens_update

logger = logging.getLogger(__name__)


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


# --- Refresh ahead of expiry and expiry warnings (driven by social.tasks.accounts) ---------

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
        elif account.token_expires_at is not None and account.token_expires_at <= now:
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
    from ..signals import network_token_expiring

    kwargs = {
        "account_id": account.pk,
        "user_id": user.pk,
        "network": account.network,
        "expires_at": account.token_expires_at,
    }
    transaction.on_commit(lambda: network_token_expiring.send(sender=NetworkAccount, **kwargs))
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
