"""Receivers: the other apps' signals turned into one ``notify`` each (sent on commit, except
``share_needs_attention``, sent inside the share's transaction: its notification commits or
rolls back with the share's move). Connected in ``NotificationsConfig.ready``."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from advocacy.models import Membership

from .services.batches import review_waiting_notify
from .services.dispatch import notify

logger = logging.getLogger(__name__)


def _safely(fn: Any) -> Any:
    """A notification that fails must not fail the work that caused it (it ran on commit)."""

    def receiver(sender: Any, **kwargs: Any) -> None:
        try:
            # A savepoint: a receiver run inside the sender's transaction that fails must
            # not leave that transaction broken.
            with transaction.atomic():
                fn(**kwargs)
        except Exception:
            logger.exception("notification receiver %s failed", fn.__name__)

    receiver.__name__ = fn.__name__
    return receiver


def _share_period(share: Any, event: str) -> str:
    """A failure is told once per share and attempt; a reconnect once per account and day
    (every share waiting on the same account is one message)."""
    if event == "share_needs_reconnect" and share.account_id:
        return f"account{share.account_id}:{timezone.localdate().isoformat()}"
    return f"{share.pk}:{share.attempts}"


def on_share_needs_attention(
    *, organization_id: int, share_id: int, to_state: str, **kwargs: Any
) -> None:
    from social.models import Share, ShareState

    events: dict[str, str] = {
        ShareState.FAILED.value: "share_failed",
        ShareState.NEEDS_RECONNECT.value: "share_needs_reconnect",
    }
    event = events.get(to_state)
    if event is None:
        return
    share = (
        Share.objects.select_related("membership__organization", "membership__user", "item")
        .filter(organization_id=organization_id, pk=share_id)
        .first()
    )
    if share is None:
        return
    slug = share.membership.organization.slug
    notify(
        event=event,
        recipients=[share.membership],
        period=_share_period(share, event),
        params={
            "item": share.item.title if share.item_id else "",
            "network": share.network,
            "reason": kwargs.get("detail", "")[:300],
        },
        link=reverse("share_detail", kwargs={"org_slug": slug, "share_id": share.pk}),
    )


def on_network_token_expiring(
    *, account_id: int, user_id: int, network: str, expires_at: Any, **kwargs: Any
) -> None:
    memberships = Membership.objects.select_related("organization", "user").filter(
        user_id=user_id, is_active=True, organization__is_active=True
    )
    for membership in memberships:
        notify(
            event="token_expiring",
            recipients=[membership],
            period=f"{account_id}:{expires_at.date().isoformat() if expires_at else ''}",
            params={
                "network": network,
                "date": expires_at.date().isoformat() if expires_at else "",
            },
            link=reverse("networks_mine", kwargs={"org_slug": membership.organization.slug}),
        )


def on_suggestion_reviewed(
    *, organization_id: int, suggestion_id: int, status: str, **kwargs: Any
) -> None:
    from content_library.models import ContentSuggestion

    suggestion = (
        ContentSuggestion.objects.select_related("submitted_by__organization", "submitted_by__user")
        .filter(organization_id=organization_id, pk=suggestion_id)
        .first()
    )
    if suggestion is None:
        return
    slug = suggestion.submitted_by.organization.slug
    accepted = status == "accepted"
    link = (
        reverse("content_item", kwargs={"org_slug": slug, "item_id": suggestion.item_id})
        if accepted and suggestion.item_id
        else reverse("content_suggest", kwargs={"org_slug": slug})
    )
    notify(
        event="suggestion_accepted" if accepted else "suggestion_declined",
        recipients=[suggestion.submitted_by],
        period=str(suggestion.pk),
        params={
            "title": suggestion.title or suggestion.url or suggestion.text[:80],
            "reason": suggestion.decline_reason,
        },
        link=link,
    )


def on_suggestion_submitted(*, organization_id: int, suggestion_id: int, **kwargs: Any) -> None:
    review_waiting_notify(
        organization_id=organization_id,
        event="suggestion_waiting",
        link_name="content_review_queue",
    )


def on_item_status_changed(*, organization_id: int, to_status: str, **kwargs: Any) -> None:
    from content_library.models import Status

    if to_status == Status.IN_REVIEW:
        review_waiting_notify(
            organization_id=organization_id,
            event="review_waiting",
            link_name="content_review_queue",
        )


def on_policy_version_published(
    *, organization_id: int, version_id: int, document_id: int, **kwargs: Any
) -> None:
    from guidelines.models import PolicyVersion
    from guidelines.selectors import policy_acceptances

    version = (
        PolicyVersion.objects.select_related("document", "organization")
        .filter(organization_id=organization_id, pk=version_id)
        .first()
    )
    if version is None:
        return
    pending = list(
        policy_acceptances(
            document=version.document, version=version, status="pending"
        ).select_related("organization", "user")
    )
    if not pending:
        return
    notify(
        event="policy_acceptance",
        recipients=pending,
        period=str(version.pk),
        params={"title": version.document.title, "number": version.number},
        link=reverse(
            "guidelines_document",
            kwargs={"org_slug": version.organization.slug, "document_id": version.document_id},
        ),
    )


def on_campaign_went_live(*, organization_id: int, campaign_id: int, **kwargs: Any) -> None:
    from campaigns.models import Campaign
    from campaigns.selectors.campaigns import campaign_audience_members

    from .services.chat import notify_chat

    campaign = (
        Campaign.objects.select_related("organization")
        .filter(organization_id=organization_id, pk=campaign_id)
        .first()
    )
    if campaign is None:
        return
    slug = campaign.organization.slug
    link = reverse("campaign_detail", kwargs={"org_slug": slug, "campaign_id": campaign.pk})
    members = campaign_audience_members(campaign=campaign).select_related("organization", "user")
    notify(
        event="campaign_launched",
        recipients=members,
        period=str(campaign.pk),
        params={"name": campaign.name},
        link=link,
    )
    notify_chat(
        organization=campaign.organization,
        event="campaign_launched",
        period=str(campaign.pk),
        params={"name": campaign.name, "organization": campaign.organization.name},
        link=link,
    )


def on_raffle_drawn(*, organization_id: int, raffle_id: int, **kwargs: Any) -> None:
    from campaigns.models import Raffle, RaffleWinner

    raffle = Raffle.objects.filter(organization_id=organization_id, pk=raffle_id).first()
    if raffle is None:
        return
    winners = [
        w.entry.membership
        for w in RaffleWinner.objects.filter(raffle=raffle).select_related(
            "entry__membership__organization", "entry__membership__user"
        )
    ]
    notify(
        event="raffle_won",
        recipients=winners,
        period=str(raffle.pk),
        params={"title": raffle.title, "prize": raffle.prize},
        link=reverse("raffle_public", kwargs={"public_id": raffle.public_id}),
    )


def on_redemption_changed(
    *, organization_id: int, redemption_id: int, status: str, **kwargs: Any
) -> None:
    from campaigns.models import Redemption

    redemption = (
        Redemption.objects.select_related("reward", "membership__organization", "membership__user")
        .filter(organization_id=organization_id, pk=redemption_id)
        .first()
    )
    if redemption is None:
        return
    slug = redemption.membership.organization.slug
    params = {
        "reward": redemption.reward.name,
        "reason": redemption.decision_note or redemption.fulfilment_note,
    }
    if status == "requested":
        managers = Membership.objects.filter(
            organization_id=organization_id, is_active=True
        ).select_related("organization", "user")
        notify(
            event="redemption_waiting",
            recipients=[m for m in managers if m.pk != redemption.membership_id],
            period=str(redemption.pk),
            params=params,
            link=reverse("rewards_redemptions", kwargs={"org_slug": slug}),
        )
        return
    event = {
        "approved": "redemption_approved",
        "rejected": "redemption_rejected",
        "fulfilled": "redemption_fulfilled",
    }.get(status)
    if event is None:
        return
    notify(
        event=event,
        recipients=[redemption.membership],
        period=f"{redemption.pk}:{status}",
        params=params,
        link=reverse("rewards_mine", kwargs={"org_slug": slug}),
    )


def connect() -> None:
    from campaigns import signals as campaign_signals
    from content_library import signals as content_signals
    from guidelines import signals as guideline_signals
    from social import signals as social_signals

    pairs = [
        (social_signals.share_needs_attention, on_share_needs_attention),
        (social_signals.network_token_expiring, on_network_token_expiring),
        (content_signals.suggestion_reviewed, on_suggestion_reviewed),
        (content_signals.suggestion_submitted, on_suggestion_submitted),
        (content_signals.item_status_changed, on_item_status_changed),
        (guideline_signals.policy_version_published, on_policy_version_published),
        (campaign_signals.campaign_went_live, on_campaign_went_live),
        (campaign_signals.raffle_drawn, on_raffle_drawn),
        (campaign_signals.redemption_changed, on_redemption_changed),
    ]
    for signal, fn in pairs:
        signal.connect(_safely(fn), weak=False, dispatch_uid=f"notifications.{fn.__name__}")
