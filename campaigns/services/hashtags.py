"""Hashtag tracking: campaign hashtags in shares made through Chorus, and public Instagram
posts with them found through Instagram's Hashtag Search.

**Through Chorus.** When a share is published its caption's hashtags (``social.hashtags``,
case-folded) are written as ``ShareHashtag`` rows, once per share and tag; a campaign's counts
are then an indexed read of its tags in its dates, whatever item the share was of.
``share_hashtags_record`` runs from a ``post_save`` of ``Share`` (connected in
``CampaignsConfig.ready``) only when a saved share is published and its state or caption was
written, and ``share_hashtags_backfill`` records shares published before this existed.

**Instagram.** An admin connects the organization's Instagram business account through
Facebook Login for Business (``instagram_business_connect``). A sweep
(``campaign_mentions_fetch`` per organization) asks ``ig_hashtag_search`` for each live
campaign's hashtags, then reads ``recent_media`` and ``top_media``, and stores each post once
(unique per organization, network and post id; ``bulk_create(ignore_conflicts=True)``, so a
second run or a concurrent one adds nothing). Instagram allows 30 unique hashtags per account
in a rolling 7 days: Chorus keeps its own record (``HashtagSearch``), takes it under the
account's row lock, and never asks for a 31st (``hashtag_plan`` says which hashtags are
tracked and why one is not).

**Who posted.** Hashtag media carries no owner or username (the API gives none), so a post
found by search cannot be matched to a member's connected Instagram account. Chorus matches
only the posts it published itself: a mention whose post id is the ``external_id`` of an
Instagram share in the organization gets that share's member.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import regex
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from advocacy.dangerous import dangerously
from advocacy.models import Membership, Organization
from advocacy.networks import Network
from advocacy.permissions import Capability, capability_require
from advocacy.services import audit_log_record
from social.connectors.base import ConnectorError, ReauthRequired
from social.connectors.instagram_hashtags import (
    HashtagLimitReached,
    HashtagNotSearchable,
    InstagramHashtagClient,
)
from social.hashtags import hashtags as caption_hashtags
from social.models import (
    AccountStatus,
    OrganizationAccount,
    OrganizationAccountKind,
    Share,
    ShareState,
)

from ..models import (
    Campaign,
    CampaignStatus,
    HashtagMention,
    HashtagSearch,
    MentionSource,
    ShareHashtag,
)

log = logging.getLogger(__name__)

#: Instagram's documented limit: unique hashtags per account in a rolling window.
SEARCH_LIMIT = 30
SEARCH_WINDOW = timedelta(days=7)
_SEARCHABLE = regex.compile(r"^[\p{L}\p{M}\p{N}_]{1,100}$")


def hashtag_key(tag: str) -> str:
    """How hashtags are compared: without ``#``, case-folded."""
    return (tag or "").strip().lstrip("#").casefold()


# --- Counting shares made through Chorus -----------------------------------------------


def share_hashtags_record(share: Share) -> int:
    """Write the published share's hashtags (idempotent); how many rows it asked for."""
    if share.state != ShareState.PUBLISHED:
        return 0
    tags = {hashtag_key(t) for t in caption_hashtags(share.caption)}
    if not tags:
        return 0
    at = share.published_at or timezone.now()
    ShareHashtag.objects.bulk_create(
        [
            ShareHashtag(
                organization_id=share.organization_id,
                share_id=share.pk,
                hashtag=tag[:100],
                network=share.network,
                published_at=at,
            )
            for tag in sorted(tags)
        ],
        ignore_conflicts=True,
    )
    return len(tags)


def on_share_saved(
    sender: Any, *, instance: Share, update_fields: Any = None, **kwargs: Any
) -> None:
    """``post_save`` of ``Share``: only a published share whose state or caption was written."""
    if instance.state != ShareState.PUBLISHED or "#" not in (instance.caption or ""):
        return
    if update_fields is not None and not ({"state", "caption"} & set(update_fields)):
        return
    share_hashtags_record(instance)


def share_hashtags_backfill(*, organization: Organization, batch: int = 500) -> int:
    """Record the organization's published shares with a hashtag (shares published before
    hashtag tracking existed, or written around ``save()``); returns shares seen."""
    seen = 0
    last = 0
    while True:
        shares = list(
            Share.objects.filter(
                organization=organization,
                state=ShareState.PUBLISHED,
                caption__contains="#",
                pk__gt=last,
            ).order_by("pk")[:batch]
        )
        if not shares:
            return seen
        for share in shares:
            share_hashtags_record(share)
        seen += len(shares)
        last = shares[-1].pk


# --- Connecting the Instagram business account -----------------------------------------


def instagram_business_connect(
    *, actor: Membership, code: str, redirect_uri: str
) -> list[OrganizationAccount]:
    """Finish Facebook Login for Business: keep every Instagram business account linked to
    the pages the admin manages, with the 60-day user token (encrypted)."""
    capability_require(actor, Capability.MANAGE_NETWORKS)
    client = InstagramHashtagClient()
    try:
        token, expires_at = client.exchange_code(code=code, redirect_uri=redirect_uri)
        found = client.business_accounts(token=token)
    except ConnectorError as exc:
        log.warning("instagram business connect failed org=%s: %s", actor.organization_id, exc)
        raise ValidationError(
            _("Instagram could not be connected: %(reason)s") % {"reason": exc.message}
        ) from exc
    if not found:
        raise ValidationError(
            _(
                "None of your Facebook pages has an Instagram business account linked to it. "
                "Link one in the page's settings, then connect again."
            )
        )
    accounts = []
    with transaction.atomic():
        for business in found:
            account, _created = OrganizationAccount.objects.get_or_create(
                organization=actor.organization,
                kind=OrganizationAccountKind.INSTAGRAM_BUSINESS,
                external_id=business.ig_user_id,
                defaults={"network": Network.INSTAGRAM},
            )
            account.network = Network.INSTAGRAM
            account.display_name = business.username or business.page_name
            account.set_token(access_token=token, expires_at=expires_at)
            account.scopes = ["instagram_basic", "instagram_public_content_access"]
            account.extra = {"page_id": business.page_id, "page_name": business.page_name}
            account.status = AccountStatus.CONNECTED
            account.status_reason = ""
            account.connected_by = actor
            account.connected_at = timezone.now()
            account.save()
            audit_log_record(
                organization=actor.organization,
                actor=actor.user,
                action="instagram_business.connected",
                target=account,
                data={"account": account.display_name, "external_id": account.external_id},
            )
            accounts.append(account)
    return accounts


def instagram_business_disconnect(
    *, actor: Membership, account: OrganizationAccount
) -> OrganizationAccount:
    """Wipe the tokens; the mentions already found stay."""
    capability_require(actor, Capability.MANAGE_NETWORKS)
    if (
        account.organization_id != actor.organization_id
        or account.kind != OrganizationAccountKind.INSTAGRAM_BUSINESS
    ):
        raise ValidationError(_("This account is not this organization's Instagram account."))
    with transaction.atomic():
        locked = OrganizationAccount.objects.select_for_update().get(pk=account.pk)
        locked.wipe_tokens()
        locked.status = AccountStatus.DISCONNECTED
        locked.status_reason = ""
        locked.save()
        audit_log_record(
            organization=actor.organization,
            actor=actor.user,
            action="instagram_business.disconnected",
            target=locked,
            data={"account": locked.display_name, "external_id": locked.external_id},
        )
    return locked


# --- The search budget -----------------------------------------------------------------


@dataclass(frozen=True)
class PlannedHashtag:
    hashtag: str
    campaigns: tuple[str, ...]
    status: str  # "tracked" | "over_limit" | "not_searchable"
    reason: str


def searches_in_window(
    *, account: OrganizationAccount, now: datetime | None = None
) -> dict[str, HashtagSearch]:
    """The account's hashtags still counting against Instagram's limit, by hashtag."""
    since = (now or timezone.now()) - SEARCH_WINDOW
    rows = HashtagSearch.objects.filter(
        organization_id=account.organization_id, account=account, first_searched_at__gt=since
    )
    return {row.hashtag: row for row in rows}


def live_campaign_hashtags(*, organization: Organization) -> dict[str, list[Campaign]]:
    """Each live campaign hashtag (case-folded) and its campaigns, oldest campaign first."""
    wanted: dict[str, list[Campaign]] = {}
    campaigns = Campaign.objects.filter(
        organization=organization, status=CampaignStatus.LIVE
    ).order_by("starts_at", "pk")
    for campaign in campaigns:
        for tag in campaign.hashtags or []:
            key = hashtag_key(str(tag))
            if key:
                wanted.setdefault(key, []).append(campaign)
    return wanted


def hashtag_plan(
    *, account: OrganizationAccount, organization: Organization, now: datetime | None = None
) -> list[PlannedHashtag]:
    """Which live campaign hashtags the account searches, and why one is not: hashtags
    already counted this week are free; new ones take the remaining places, oldest campaign
    first; the rest wait until a place frees up."""
    window = searches_in_window(account=account, now=now)
    free = SEARCH_LIMIT - len(window)
    plan = []
    for tag, campaigns in live_campaign_hashtags(organization=organization).items():
        names = tuple(c.name for c in campaigns)
        if not _SEARCHABLE.match(tag):
            plan.append(
                PlannedHashtag(
                    tag,
                    names,
                    "not_searchable",
                    str(
                        gettext_lazy(
                            "Instagram searches only hashtags of letters, digits and _ (no emoji)."
                        )
                    ),
                )
            )
        elif tag in window:
            plan.append(PlannedHashtag(tag, names, "tracked", ""))
        elif free > 0:
            free -= 1
            plan.append(PlannedHashtag(tag, names, "tracked", ""))
        else:
            plan.append(
                PlannedHashtag(
                    tag,
                    names,
                    "over_limit",
                    str(
                        gettext_lazy(
                            "Instagram allows 30 different hashtags per account in 7 days, and "
                            "30 are in use; it is searched when the oldest one is 7 days old."
                        )
                    ),
                )
            )
    return plan


class SearchBudgetSpent(Exception):
    """Chorus's own record says the account has used its 30 hashtags: it does not ask."""


def hashtag_search_id(
    *,
    account: OrganizationAccount,
    hashtag: str,
    client: InstagramHashtagClient,
    now: datetime | None = None,
) -> str:
    """The hashtag's Instagram id, searching it only within the budget.

    Holds the account's row lock while it decides and asks, so two sweeps cannot both take
    the 30th place."""
    now = now or timezone.now()
    tag = hashtag_key(hashtag)
    with transaction.atomic():
        locked = OrganizationAccount.objects.select_for_update().get(pk=account.pk)
        window = searches_in_window(account=locked, now=now)
        known = window.get(tag)
        if known is not None and known.hashtag_external_id:
            # A repeat query is free and hashtag ids are static: no need to ask again.
            HashtagSearch.objects.filter(pk=known.pk).update(last_searched_at=now)
            return known.hashtag_external_id
        if known is None and len(window) >= SEARCH_LIMIT:
            raise SearchBudgetSpent(tag)
        hashtag_id = client.hashtag_id(
            token=locked.access_token, ig_user_id=locked.external_id, hashtag=tag
        )
        HashtagSearch.objects.update_or_create(
            account=locked,
            hashtag=tag,
            defaults={
                "organization_id": locked.organization_id,
                "hashtag_external_id": hashtag_id,
                "first_searched_at": known.first_searched_at if known else now,
                "last_searched_at": now,
            },
        )
        return hashtag_id


# --- Fetching mentions -----------------------------------------------------------------


@dataclass
class FetchReport:
    searched: list[str]
    skipped: dict[str, str]
    stored: int


def _store_mentions(
    *,
    organization_id: int,
    campaign: Campaign,
    hashtag: str,
    source: str,
    media: list[Any],
) -> int:
    if not media:
        return 0
    ids = [m.external_id for m in media]
    own = dict(
        Share.objects.filter(
            organization_id=organization_id, network=Network.INSTAGRAM, external_id__in=ids
        ).values_list("external_id", "membership_id")
    )
    existing = set(
        HashtagMention.objects.filter(
            organization_id=organization_id, network=Network.INSTAGRAM, external_id__in=ids
        ).values_list("external_id", flat=True)
    )
    rows = [
        HashtagMention(
            organization_id=organization_id,
            campaign=campaign,
            hashtag=hashtag,
            source=source,
            network=Network.INSTAGRAM,
            external_id=m.external_id,
            permalink=m.permalink[:1000],
            caption_excerpt=m.caption[:300],
            media_type=m.media_type[:32],
            posted_at=m.posted_at,
            membership_id=own.get(m.external_id),
        )
        for m in media
        if m.external_id not in existing
    ]
    HashtagMention.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def campaign_mentions_fetch(
    *,
    organization: Organization,
    client: InstagramHashtagClient | None = None,
    now: datetime | None = None,
) -> FetchReport:
    """Search the live campaigns' hashtags with the organization's Instagram business account
    and store the posts found (the periodic sweep's work for one organization)."""
    client = client or InstagramHashtagClient()
    now = now or timezone.now()
    report = FetchReport(searched=[], skipped={}, stored=0)
    account = (
        OrganizationAccount.objects.filter(
            organization=organization,
            kind=OrganizationAccountKind.INSTAGRAM_BUSINESS,
            status=AccountStatus.CONNECTED,
        )
        .exclude(access_token_encrypted="")
        .order_by("pk")
        .first()
    )
    if account is None:
        return report
    wanted = live_campaign_hashtags(organization=organization)
    for planned in hashtag_plan(account=account, organization=organization, now=now):
        if planned.status != "tracked":
            report.skipped[planned.hashtag] = planned.status
            continue
        try:
            hashtag_id = hashtag_search_id(
                account=account, hashtag=planned.hashtag, client=client, now=now
            )
            found = {
                MentionSource.INSTAGRAM_RECENT: client.media(
                    token=account.access_token,
                    ig_user_id=account.external_id,
                    hashtag_id=hashtag_id,
                    edge="recent_media",
                ),
                MentionSource.INSTAGRAM_TOP: client.media(
                    token=account.access_token,
                    ig_user_id=account.external_id,
                    hashtag_id=hashtag_id,
                    edge="top_media",
                ),
            }
        except SearchBudgetSpent:
            report.skipped[planned.hashtag] = "over_limit"
            continue
        except HashtagLimitReached:
            # Instagram counted searches Chorus did not make (another app on the account).
            report.skipped[planned.hashtag] = "over_limit"
            continue
        except HashtagNotSearchable:
            report.skipped[planned.hashtag] = "not_searchable"
            continue
        except ReauthRequired as exc:
            OrganizationAccount.objects.filter(pk=account.pk).update(
                status=AccountStatus.NEEDS_RECONNECT, status_reason=exc.message[:300]
            )
            log.warning("instagram business account %s needs reconnecting", account.pk)
            return report
        report.searched.append(planned.hashtag)
        # The oldest live campaign with the hashtag owns its mentions.
        campaign = wanted[planned.hashtag][0]
        for source, media in found.items():
            report.stored += _store_mentions(
                organization_id=organization.pk,
                campaign=campaign,
                hashtag=planned.hashtag,
                source=source,
                media=media,
            )
    return report


@dangerously(
    "The hashtag sweep finds every organization with a connected Instagram business account "
    "and a live campaign."
)
def dangerously_organizations_with_hashtag_search() -> list[int]:
    live = Campaign.objects.filter(status=CampaignStatus.LIVE).values("organization_id")
    return list(
        OrganizationAccount.objects.filter(
            kind=OrganizationAccountKind.INSTAGRAM_BUSINESS,
            status=AccountStatus.CONNECTED,
            organization_id__in=live,
            organization__is_active=True,
        )
        .values_list("organization_id", flat=True)
        .distinct()
    )
