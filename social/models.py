"""Linked network accounts, shares, tracked links, clicks and metric snapshots.

A ``NetworkAccount`` belongs to the person (one LinkedIn, whichever organizations they
work for); a ``Share`` and everything it earns (clicks, metrics) belong to the
organization in which it was made.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from advocacy.models import Membership, TenantModel
from advocacy.networks import Network

from . import crypto


class AccountKind(models.TextChoices):
    MEMBER = "member", _("Personal profile")
    PROFESSIONAL = "professional", _("Professional account")
    PAGE = "page", _("Page")


class AccountStatus(models.TextChoices):
    CONNECTED = "connected", _("Connected")
    NEEDS_RECONNECT = "needs_reconnect", _("Needs reconnecting")
    DISCONNECTED = "disconnected", _("Disconnected")


class NetworkAccount(models.Model):
    """A person's account on a network, with its tokens encrypted at rest (global model).

    Reconnecting the same network account (same ``external_id``) updates this row, so
    shares made through it keep their history. Disconnecting wipes the tokens.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="network_accounts"
    )
    network = models.CharField(_("network"), max_length=16, choices=Network.choices)
    kind = models.CharField(
        _("kind"), max_length=16, choices=AccountKind.choices, default=AccountKind.MEMBER
    )
    external_id = models.CharField(_("network account id"), max_length=128)
    display_name = models.CharField(_("name"), max_length=200, blank=True)
    profile_url = models.URLField(_("profile"), max_length=500, blank=True)
    avatar_url = models.URLField(max_length=1000, blank=True)
    audience_size = models.PositiveIntegerField(
        _("followers or connections"), null=True, blank=True
    )
    audience_updated_at = models.DateTimeField(null=True, blank=True)

    access_token_encrypted = models.TextField(blank=True)
    refresh_token_encrypted = models.TextField(blank=True)
    token_expires_at = models.DateTimeField(null=True, blank=True)
    refresh_expires_at = models.DateTimeField(null=True, blank=True)
    scopes = models.JSONField(default=list, blank=True)
    #: Network-specific extras (e.g. the Facebook page's parent user id, LinkedIn author URN).
    extra = models.JSONField(default=dict, blank=True)

    status = models.CharField(
        max_length=16, choices=AccountStatus.choices, default=AccountStatus.CONNECTED
    )
    status_reason = models.CharField(max_length=300, blank=True)
    connected_at = models.DateTimeField(default=timezone.now)
    last_refreshed_at = models.DateTimeField(null=True, blank=True)
    expiry_warned_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("network account")
        verbose_name_plural = _("network accounts")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "network", "external_id"], name="networkaccount_unique_per_user"
            )
        ]
        indexes = [
            models.Index(
                fields=["network", "status", "token_expires_at"], name="netacct_status_expiry"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_network_display()}: {self.display_name or self.external_id}"

    # Tokens are only ever handled through these accessors.
    @property
    def access_token(self) -> str:
        return crypto.decrypt(self.access_token_encrypted)

    @property
    def refresh_token(self) -> str:
        return crypto.decrypt(self.refresh_token_encrypted)

    def set_tokens(
        self,
        *,
        access_token: str,
        expires_at: datetime | None,
        refresh_token: str | None = None,
        refresh_expires_at: datetime | None = None,
    ) -> None:
        self.access_token_encrypted = crypto.encrypt(access_token)
        self.token_expires_at = expires_at
        if refresh_token is not None:
            self.refresh_token_encrypted = crypto.encrypt(refresh_token)
            self.refresh_expires_at = refresh_expires_at

    def wipe_tokens(self) -> None:
        self.access_token_encrypted = ""
        self.refresh_token_encrypted = ""
        self.token_expires_at = None
        self.refresh_expires_at = None

    @property
    def is_usable(self) -> bool:
        return self.status == AccountStatus.CONNECTED and bool(self.access_token_encrypted)


class OrganizationAccountKind(models.TextChoices):
    LINKEDIN_PAGE = "linkedin_page", _("LinkedIn company page")
    FACEBOOK_PAGE = "facebook_page", _("Facebook page")
    INSTAGRAM_BUSINESS = "instagram_business", _("Instagram business account")


class OrganizationAccount(TenantModel):
    """An account the organization itself owns on a network (its LinkedIn company page, its
    Facebook page, its Instagram business account), connected by an admin of the page. Used
    to re-share employees' posts from the company page and to search campaign hashtags.
    Tokens are encrypted at rest, as a member's are."""

    network = models.CharField(_("network"), max_length=16, choices=Network.choices)
    kind = models.CharField(_("kind"), max_length=24, choices=OrganizationAccountKind.choices)
    # urn:li:organization:{id}, the Facebook page id, or the Instagram user id.
    external_id = models.CharField(_("network account id"), max_length=128)
    display_name = models.CharField(_("name"), max_length=200, blank=True)
    profile_url = models.URLField(_("profile"), max_length=500, blank=True)
    access_token_encrypted = models.TextField(blank=True)
    token_expires_at = models.DateTimeField(null=True, blank=True)
    scopes = models.JSONField(default=list, blank=True)
    extra = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=16, choices=AccountStatus.choices, default=AccountStatus.CONNECTED
    )
    status_reason = models.CharField(max_length=300, blank=True)
    connected_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    connected_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("organization account")
        verbose_name_plural = _("organization accounts")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "kind", "external_id"], name="orgaccount_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.display_name or self.external_id}"

    @property
    def access_token(self) -> str:
        return crypto.decrypt(self.access_token_encrypted)

    def set_token(self, *, access_token: str, expires_at: datetime | None) -> None:
        self.access_token_encrypted = crypto.encrypt(access_token)
        self.token_expires_at = expires_at

    def wipe_tokens(self) -> None:
        self.access_token_encrypted = ""
        self.token_expires_at = None

    @property
    def is_usable(self) -> bool:
        return self.status == AccountStatus.CONNECTED and bool(self.access_token_encrypted)


class ShareMethod(models.TextChoices):
    API = "api", _("Posted by Chorus")
    DIALOG = "dialog", _("Network share dialog")


class ShareState(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    QUEUED = "queued", _("Queued")
    PUBLISHING = "publishing", _("Publishing")
    PUBLISHED = "published", _("Published")
    FAILED = "failed", _("Failed")
    NEEDS_RECONNECT = "needs_reconnect", _("Needs reconnecting")
    UNKNOWN_OUTCOME = "unknown_outcome", _("Checking with the network")
    CANCELLED = "cancelled", _("Cancelled")


#: The state machine: which transitions a share may make. This table is the only definition;
#: ``social.services.transitions.share_transition`` is the only code that applies it.
SHARE_TRANSITIONS: dict[str, frozenset[str]] = {
    ShareState.SCHEDULED: frozenset({ShareState.QUEUED, ShareState.CANCELLED}),
    ShareState.QUEUED: frozenset(
        {ShareState.PUBLISHING, ShareState.CANCELLED, ShareState.NEEDS_RECONNECT}
    ),
    ShareState.PUBLISHING: frozenset(
        {
            ShareState.PUBLISHED,
            ShareState.FAILED,
            ShareState.NEEDS_RECONNECT,
            ShareState.UNKNOWN_OUTCOME,
            ShareState.QUEUED,  # retryable error before anything reached the network
        }
    ),
    ShareState.UNKNOWN_OUTCOME: frozenset(
        {ShareState.PUBLISHED, ShareState.QUEUED, ShareState.FAILED, ShareState.NEEDS_RECONNECT}
    ),
    ShareState.FAILED: frozenset({ShareState.QUEUED}),
    ShareState.NEEDS_RECONNECT: frozenset({ShareState.QUEUED, ShareState.CANCELLED}),
    ShareState.PUBLISHED: frozenset(),
    ShareState.CANCELLED: frozenset(),
}

#: States in which a share is still on its way (it cannot be shared again meanwhile).
IN_FLIGHT_STATES: frozenset[str] = frozenset(
    {ShareState.SCHEDULED, ShareState.QUEUED, ShareState.PUBLISHING, ShareState.UNKNOWN_OUTCOME}
)
#: States in which the member may ask for another try.
RETRYABLE_STATES: frozenset[str] = frozenset({ShareState.FAILED, ShareState.NEEDS_RECONNECT})


class Share(TenantModel):
    """One item shared by one member to one network account (or through a share dialog)."""

    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="shares")
    item = models.ForeignKey(
        "content_library.ContentItem", on_delete=models.PROTECT, related_name="shares"
    )
    account = models.ForeignKey(
        NetworkAccount, on_delete=models.SET_NULL, null=True, blank=True, related_name="shares"
    )
    network = models.CharField(_("network"), max_length=16, choices=Network.choices)
    method = models.CharField(max_length=8, choices=ShareMethod.choices, default=ShareMethod.API)
    caption = models.TextField(_("caption"), blank=True)
    state = models.CharField(max_length=16, choices=ShareState.choices, default=ShareState.QUEUED)
    scheduled_at = models.DateTimeField(null=True, blank=True)
    utm_campaign = models.CharField(max_length=100, blank=True)
    # The campaign the share belongs to: its item was in the campaign while it was live.
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="shares",
    )

    # Publishing bookkeeping (exactly once: see social.services.publishing).
    attempts = models.PositiveSmallIntegerField(default=0)
    attempt_id = models.UUIDField(null=True, blank=True)
    publishing_started_at = models.DateTimeField(null=True, blank=True)
    pending_container_id = models.CharField(max_length=128, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    #: Looks for the post of the current attempt whose answer was lost (capped; see publishing).
    reconcile_checks = models.PositiveSmallIntegerField(default=0)
    external_id = models.CharField(_("post id"), max_length=200, blank=True)
    permalink = models.URLField(max_length=1000, blank=True)
    error_code = models.CharField(max_length=64, blank=True)
    error_message = models.TextField(blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    # Latest metrics, copied from the newest snapshot; null means "the network reports nothing".
    impressions = models.PositiveIntegerField(null=True, blank=True)
    reach = models.PositiveIntegerField(null=True, blank=True)
    reactions = models.PositiveIntegerField(null=True, blank=True)
    comments = models.PositiveIntegerField(null=True, blank=True)
    reshares = models.PositiveIntegerField(null=True, blank=True)
    saves = models.PositiveIntegerField(null=True, blank=True)
    video_views = models.PositiveIntegerField(null=True, blank=True)
    interactions = models.PositiveIntegerField(null=True, blank=True)
    clicks = models.PositiveIntegerField(default=0)
    metrics_updated_at = models.DateTimeField(null=True, blank=True)
    next_metrics_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("share")
        verbose_name_plural = _("shares")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "item", "account"],
                condition=models.Q(account__isnull=False),
                name="share_unique_item_account",
            ),
            # A share-dialog share (no account) waiting for the member or confirmed: one per
            # member, item and network, whatever parallel submits do (cancelled ones make way).
            models.UniqueConstraint(
                fields=["organization", "membership", "item", "network"],
                condition=models.Q(
                    method="dialog",
                    account__isnull=True,
                    state__in=["scheduled", "published"],
                ),
                name="share_unique_dialog",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "membership", "-id"], name="share_org_member_id"),
            models.Index(fields=["organization", "item", "-id"], name="share_org_item_id"),
            models.Index(fields=["organization", "state", "-id"], name="share_org_state_id"),
            models.Index(fields=["state", "scheduled_at"], name="share_state_scheduled"),
            models.Index(
                fields=["organization", "campaign", "-id"],
                name="share_org_campaign_id",
                condition=models.Q(campaign__isnull=False),
            ),
            models.Index(
                fields=["next_metrics_at"],
                name="share_next_metrics",
                condition=models.Q(state="published"),
            ),
        ]

    def __str__(self) -> str:
        return f"share {self.pk} {self.network} {self.state}"

    def can_transition(self, to: str) -> bool:
        return to in SHARE_TRANSITIONS.get(self.state, frozenset())


class ShareEvent(TenantModel):
    """Append-only history of a share's states and attempts (what the employee sees)."""

    share = models.ForeignKey(Share, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16)
    detail = models.CharField(max_length=500, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["organization", "share", "at"], name="shareevent_org_share_at")
        ]


class TrackedLink(TenantModel):
    """``/s/<code>``: redirects to the item's URL with UTM parameters, counting clicks."""

    code = models.CharField(max_length=16, unique=True)
    share = models.OneToOneField(
        Share, on_delete=models.CASCADE, null=True, blank=True, related_name="link"
    )
    item = models.ForeignKey(
        "content_library.ContentItem", on_delete=models.CASCADE, related_name="+"
    )
    target_url = models.URLField(max_length=2000)
    is_active = models.BooleanField(default=True)
    human_clicks = models.PositiveIntegerField(default=0)
    bot_clicks = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["organization", "item"], name="trackedlink_org_item")]

    def __str__(self) -> str:
        return self.code


class ClickEvent(TenantModel):
    """One request to a tracked link. Append-only; ``event_id`` makes recording idempotent."""

    event_id = models.UUIDField(unique=True, default=uuid.uuid4)
    link = models.ForeignKey(TrackedLink, on_delete=models.CASCADE, related_name="clicks")
    share = models.ForeignKey(
        Share, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    occurred_at = models.DateTimeField()
    is_bot = models.BooleanField(default=False)
    bot_name = models.CharField(max_length=64, blank=True)
    referrer_network = models.CharField(max_length=16, blank=True)
    country = models.CharField(max_length=2, blank=True)
    visitor_hash = models.CharField(max_length=64, blank=True)
    #: Set once the click is added to its link's and share's counters (social.services.clicks), in the
    #: same transaction: clicks written straight to the database while Redis was away are
    #: counted by the next drain, and no click is ever counted twice.
    counted = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["organization", "occurred_at"], name="click_org_occurred"),
            models.Index(fields=["id"], name="click_uncounted", condition=models.Q(counted=False)),
            models.Index(
                fields=["organization", "link", "occurred_at"], name="click_org_link_occurred"
            ),
        ]


class MetricSnapshot(TenantModel):
    """What the network reported for a share at one moment. Append-only; null = not reported."""

    share = models.ForeignKey(Share, on_delete=models.CASCADE, related_name="snapshots")
    fetched_at = models.DateTimeField(default=timezone.now)
    impressions = models.PositiveIntegerField(null=True, blank=True)
    reach = models.PositiveIntegerField(null=True, blank=True)
    reactions = models.PositiveIntegerField(null=True, blank=True)
    comments = models.PositiveIntegerField(null=True, blank=True)
    reshares = models.PositiveIntegerField(null=True, blank=True)
    saves = models.PositiveIntegerField(null=True, blank=True)
    video_views = models.PositiveIntegerField(null=True, blank=True)
    #: All interactions as the network counts them (Instagram's ``total_interactions``).
    interactions = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["organization", "share", "-fetched_at"], name="snapshot_org_share_time"
            )
        ]


class NetworkPolicy(TenantModel):
    """An organization's rules for a network: required for members, or not allowed."""

    network = models.CharField(max_length=16, choices=Network.choices)
    required = models.BooleanField(_("required for members"), default=False)
    allowed = models.BooleanField(_("allowed"), default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "network"], name="networkpolicy_unique_per_org"
            )
        ]
