"""Campaigns and recognition: campaigns, the points ledger, rewards and raffles.

State changes live in ``services/``; reads that pages, API and tasks share in
``selectors/``. The ledger (``PointsEntry``) is append-only: a correction is a new entry
that reverses an old one, never an edit. ``PointsBalance`` is the running sum of a member's
entries, kept in the same transaction as each entry so that spending can be checked with one
conditional ``UPDATE``. Points rules change forward only: a ``PointsRule`` row is never
edited; a new row with a later ``effective_from`` replaces it from that moment.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from advocacy.models import Membership, TenantModel
from content_library.models import ContentItem


def campaign_cover_path(instance: Any, filename: str) -> str:
    """Files carry the organization in their path; the name never comes from the user."""
    ext = (filename.rsplit(".", 1)[-1] if "." in filename else "bin").lower()[:5]
    return f"campaigns/{instance.organization_id}/{uuid.uuid4().hex}.{ext}"


def reward_image_path(instance: Any, filename: str) -> str:
    ext = (filename.rsplit(".", 1)[-1] if "." in filename else "bin").lower()[:5]
    return f"rewards/{instance.organization_id}/{uuid.uuid4().hex}.{ext}"


# --- Campaigns -------------------------------------------------------------------------


class CampaignStatus(models.TextChoices):
    """draft → scheduled → live → ended → archived. A manager moves draft → scheduled
    (launch) and ended → archived; the clock moves scheduled → live → ended."""

    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", _("Scheduled")
    LIVE = "live", _("Live")
    ENDED = "ended", _("Ended")
    ARCHIVED = "archived", _("Archived")


class GoalMetric(models.TextChoices):
    SHARES = "shares", _("Shares")
    CLICKS = "clicks", _("Human clicks")
    IMPRESSIONS = "impressions", _("Impressions")
    MEMBERS_REACHED = "members_reached", _("Members reached")
    ENGAGEMENT = "engagement", _("Engagement")
    PARTICIPANTS = "participants", _("Participants")


class CampaignAudienceDimension(models.TextChoices):
    DEPARTMENT = "department", _("Department")
    LOCATION = "location", _("Location")
    ROLE = "role", _("Role")


class Campaign(TenantModel):
    name = models.CharField(_("name"), max_length=160)
    slug = models.SlugField(_("short name"), max_length=80)
    description = models.TextField(_("brief"), blank=True)
    hashtags = models.JSONField(_("hashtags"), default=list, blank=True)
    cover_image = models.FileField(
        _("cover image"), upload_to=campaign_cover_path, blank=True, max_length=200
    )
    cover_alt_text = models.CharField(
        _("description for screen readers"), max_length=300, blank=True
    )
    goal_metric = models.CharField(
        _("goal"), max_length=20, choices=GoalMetric.choices, default=GoalMetric.SHARES
    )
    goal_target = models.PositiveIntegerField(_("target"), default=100)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    status = models.CharField(
        _("status"), max_length=12, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    # Points for shares of this campaign's items (and what they earn) are multiplied by this.
    points_multiplier = models.DecimalField(
        _("points multiplier"), max_digits=4, decimal_places=2, default=1
    )
    prize = models.CharField(_("prize"), max_length=300, blank=True)
    items = models.ManyToManyField(
        ContentItem, through="CampaignItem", related_name="campaigns", blank=True
    )
    # True when the audience is "everyone": no CampaignAudience rows.
    targets_everyone = models.BooleanField(_("everyone"), default=True)
    created_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    launched_at = models.DateTimeField(null=True, blank=True)
    went_live_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.UniqueConstraint(fields=["organization", "slug"], name="campaign_org_slug"),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="campaign_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(points_multiplier__gte=0), name="campaign_multiplier_positive"
            ),
        ]
        indexes = [
            models.Index(
                fields=["organization", "status", "-starts_at"], name="campaign_org_status"
            ),
            models.Index(fields=["status", "starts_at"], name="campaign_clock_start"),
            models.Index(fields=["status", "ends_at"], name="campaign_clock_end"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_live(self) -> bool:
        return self.status == CampaignStatus.LIVE

    @property
    def primary_hashtag(self) -> str:
        return self.hashtags[0] if self.hashtags else ""


class CampaignItem(TenantModel):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="campaign_items")
    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="campaign_links")
    position = models.PositiveSmallIntegerField(default=0)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "item"], name="campaignitem_unique"),
        ]
        indexes = [models.Index(fields=["organization", "item"], name="campaignitem_org_item")]


class CampaignAudience(TenantModel):
    """One targeting value; a member is in the audience when they match any value of every
    dimension the campaign uses (the same rule as content targeting)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="audience")
    dimension = models.CharField(max_length=16, choices=CampaignAudienceDimension.choices)
    value = models.CharField(max_length=120)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "dimension", "value"], name="campaignaudience_unique"
            ),
        ]


# --- Points ----------------------------------------------------------------------------


class PointsAction(models.TextChoices):
    """What a ledger entry is for. The first seven earn points by the organization's rules;
    the rest are movements of spendable points or corrections."""

    SHARE_PUBLISHED = "share_published", _("Share published")
    HUMAN_CLICK = "human_click", _("Click received")
    ENGAGEMENT = "engagement", _("Engagement received")
    SUGGESTION_ACCEPTED = "suggestion_accepted", _("Suggestion accepted")
    POLICY_ACKNOWLEDGED = "policy_acknowledged", _("Policy acknowledged")
    WEEKLY_STREAK = "weekly_streak", _("Weekly streak")
    INVITATION_ACCEPTED = "invitation_accepted", _("Invitation accepted")
    REVERSAL = "reversal", _("Reversal")
    REDEMPTION_HOLD = "redemption_hold", _("Reward requested")
    REDEMPTION_RETURN = "redemption_return", _("Reward points returned")
    ADJUSTMENT = "adjustment", _("Adjustment")


EARNING_ACTIONS = (
    PointsAction.SHARE_PUBLISHED,
    PointsAction.HUMAN_CLICK,
    PointsAction.ENGAGEMENT,
    PointsAction.SUGGESTION_ACCEPTED,
    PointsAction.POLICY_ACKNOWLEDGED,
    PointsAction.WEEKLY_STREAK,
    PointsAction.INVITATION_ACCEPTED,
)
#: The choices of an earning action (rules, their forms and the API).
EARNING_ACTION_CHOICES = [(a.value, a.label) for a in EARNING_ACTIONS]


class PointsRule(TenantModel):
    """Points for one action from ``effective_from`` on. Never edited: saving new points adds
    a row, so past entries keep the points of the rule in force when they happened."""

    action = models.CharField(_("action"), max_length=24, choices=EARNING_ACTION_CHOICES)
    points = models.PositiveIntegerField(_("points"))
    # Most points one member can earn by this action in one day (organization's time zone).
    daily_cap = models.PositiveIntegerField(_("daily limit per member"), null=True, blank=True)
    # Most points one share can earn by this action over its life (clicks, engagement).
    per_share_cap = models.PositiveIntegerField(_("limit per share"), null=True, blank=True)
    effective_from = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(
                fields=["organization", "action", "-effective_from"], name="pointsrule_in_force"
            )
        ]


class PointsEntry(TenantModel):
    """One line of the append-only ledger.

    ``points`` moves lifetime points (ranking); ``spendable`` moves spendable points
    (rewards). Earning moves both; a redemption moves only ``spendable``, so redeeming never
    lowers a rank. ``dedupe_key`` makes recording idempotent: a retried task or a second
    worker cannot score the same fact twice.
    """

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    action = models.CharField(max_length=24, choices=PointsAction.choices)
    points = models.IntegerField(default=0)
    spendable = models.IntegerField(default=0)
    object_type = models.CharField(max_length=32, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    share = models.ForeignKey(
        "social.Share", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    campaign = models.ForeignKey(
        Campaign, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rule = models.ForeignKey(
        PointsRule, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by"
    )
    dedupe_key = models.CharField(max_length=120)
    # How many of the fact this entry is for: clicks or reactions/comments/reshares scored
    # (the increase since the share was last scored); 1 for one-off facts, 0 for movements.
    quantity = models.PositiveIntegerField(default=0)
    note = models.CharField(max_length=300, blank=True)
    occurred_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "dedupe_key"], name="pointsentry_org_dedupe"
            ),
        ]
        indexes = [
            models.Index(
                fields=["organization", "membership", "-occurred_at", "-id"],
                name="pointsentry_member_time",
            ),
            models.Index(
                fields=["organization", "-occurred_at", "-id"], name="pointsentry_org_time"
            ),
            models.Index(
                fields=["organization", "campaign", "occurred_at"],
                name="pointsentry_org_campaign",
                condition=models.Q(campaign__isnull=False),
            ),
            models.Index(
                fields=["share", "action"],
                name="pointsentry_share_action",
                condition=models.Q(share__isnull=False),
            ),
        ]


class PointsShareProgress(TenantModel):
    """How much of a share's clicks or engagement scoring has already looked at.

    Clicks and engagement are scored on the increase only: the next scoring takes what the
    share has beyond ``scored`` and moves ``scored`` up, whether the caps left points for it
    or not (what a cap took is gone, not deferred). It only grows, so a network reporting less
    later never scores negative. Written under the member's balance lock.
    """

    share = models.ForeignKey("social.Share", on_delete=models.CASCADE, related_name="+")
    action = models.CharField(max_length=24, choices=PointsAction.choices)
    scored = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["share", "action"], name="pointsprogress_share"),
        ]


class PointsBalance(TenantModel):
    """A member's running totals: the sums of their ledger entries, kept in step with it."""

    membership = models.OneToOneField(Membership, on_delete=models.CASCADE, related_name="+")
    lifetime = models.IntegerField(default=0)
    spendable = models.IntegerField(default=0)
    # "A colleague in Sales" instead of the member's name on every board others see.
    anonymous_on_boards = models.BooleanField(
        _("appear anonymously on leaderboards"), default=False
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(spendable__gte=0), name="pointsbalance_spendable_not_negative"
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "-lifetime", "id"], name="pointsbalance_rank"),
        ]


class RecognitionSettings(TenantModel):
    """One per organization: how recognition shows."""

    public_leaderboards = models.BooleanField(
        _("employees see leaderboards"),
        default=True,
        help_text=_("Off: leaderboards are for managers only."),
    )
    streak_min_shares = models.PositiveSmallIntegerField(_("shares a week for a streak"), default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization"], name="recognitionsettings_one"),
        ]


# --- Rewards ---------------------------------------------------------------------------


class Reward(TenantModel):
    name = models.CharField(_("name"), max_length=160)
    description = models.TextField(_("description"), blank=True)
    image = models.FileField(_("image"), upload_to=reward_image_path, blank=True, max_length=200)
    image_alt_text = models.CharField(
        _("description for screen readers"), max_length=300, blank=True
    )
    cost = models.PositiveIntegerField(_("cost in points"))
    # None: unlimited.
    stock = models.PositiveIntegerField(_("in stock"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("reward")
        verbose_name_plural = _("rewards")
        indexes = [models.Index(fields=["organization", "is_active", "cost"], name="reward_org")]

    def __str__(self) -> str:
        return self.name


class RedemptionStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    FULFILLED = "fulfilled", _("Fulfilled")
    CANCELLED = "cancelled", _("Cancelled")


class Redemption(TenantModel):
    """A member's request for a reward; its points are held from the request on."""

    reward = models.ForeignKey(Reward, on_delete=models.PROTECT, related_name="redemptions")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    cost = models.PositiveIntegerField()
    status = models.CharField(
        max_length=12, choices=RedemptionStatus.choices, default=RedemptionStatus.REQUESTED
    )
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("reason"), max_length=500, blank=True)
    fulfilled_at = models.DateTimeField(null=True, blank=True)
    fulfilment_note = models.CharField(_("fulfilment note"), max_length=500, blank=True)
    # The requester's idempotency key (the catalogue form's token, or the API's
    # ``request_key``): a double submit of one request finds the first redemption.
    request_key = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "membership", "request_key"],
                condition=~models.Q(request_key=""),
                name="redemption_request_once",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "status", "-id"], name="redemption_org_status"),
            models.Index(fields=["organization", "membership", "-id"], name="redemption_member"),
        ]


# --- Raffles ---------------------------------------------------------------------------


class RaffleStatus(models.TextChoices):
    """open (commitment published) → closed (entry list frozen and hashed) → drawn (seed
    revealed, winners picked)."""

    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    DRAWN = "drawn", _("Drawn")


class Raffle(TenantModel):
    # Public page and verification address; unguessable, carries no tenant data.
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, null=True, blank=True, related_name="raffles"
    )
    title = models.CharField(_("title"), max_length=160)
    prize = models.CharField(_("prize"), max_length=300)
    winners_count = models.PositiveSmallIntegerField(_("number of winners"), default=1)
    # Eligibility: shares of the campaign's content made while it was live (or, without a
    # campaign, any share published in the period).
    min_shares = models.PositiveSmallIntegerField(_("minimum shares"), default=1)
    entry_per_share = models.BooleanField(_("one entry per share"), default=False)
    period_start = models.DateTimeField(_("period start"), null=True, blank=True)
    period_end = models.DateTimeField(_("period end"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes"))
    status = models.CharField(max_length=8, choices=RaffleStatus.choices, default=RaffleStatus.OPEN)
    algorithm = models.CharField(max_length=32, default="chorus-raffle-v1")
    # SHA-256 of the secret seed, published when the raffle opens.
    commitment = models.CharField(max_length=64)
    # The secret seed (hex); shown only once the raffle is drawn.
    seed = models.CharField(max_length=64)
    # Key of the members' pseudonyms in this raffle (HMAC of the membership id); never
    # shown, so that the published list cannot be matched to members by trying every id.
    pseudonym_key = models.CharField(max_length=64, default="", editable=False)
    entries_hash = models.CharField(max_length=64, blank=True)
    entries_frozen_at = models.DateTimeField(null=True, blank=True)
    public_value = models.CharField(_("public value"), max_length=200, blank=True)
    drawn_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("raffle")
        verbose_name_plural = _("raffles")
        indexes = [
            models.Index(fields=["organization", "-id"], name="raffle_org"),
            models.Index(fields=["status", "closes_at"], name="raffle_clock"),
        ]

    def __str__(self) -> str:
        return self.title


class RaffleEntry(TenantModel):
    """One eligible member in the frozen list: a pseudonym and their number of entries."""

    raffle = models.ForeignKey(Raffle, on_delete=models.CASCADE, related_name="entries")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    pseudonym = models.CharField(max_length=32)
    tickets = models.PositiveIntegerField(default=1)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["raffle", "membership"], name="raffleentry_member"),
            models.UniqueConstraint(fields=["raffle", "pseudonym"], name="raffleentry_pseudonym"),
        ]


class RaffleWinner(TenantModel):
    raffle = models.ForeignKey(Raffle, on_delete=models.CASCADE, related_name="winners")
    entry = models.ForeignKey(RaffleEntry, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["raffle", "rank"], name="rafflewinner_rank"),
            models.UniqueConstraint(fields=["raffle", "entry"], name="rafflewinner_entry"),
        ]


# --- Company-page amplification ---------------------------------------------------------


class AmplificationState(models.TextChoices):
    """queued → publishing → published | failed | needs_reconnect. A create whose answer was
    lost stays ``publishing`` with ``error_code="unconfirmed"`` while Chorus looks for the post
    (see ``campaigns.services.amplification``); a failed or reconnect-waiting one may be queued
    again by a manager."""

    QUEUED = "queued", _("Queued")
    PUBLISHING = "publishing", _("Publishing")
    PUBLISHED = "published", _("Published")
    FAILED = "failed", _("Failed")
    NEEDS_RECONNECT = "needs_reconnect", _("Needs reconnecting")


class Amplification(TenantModel):
    """An employee's published share, re-shared from the organization's company page (LinkedIn:
    a post authored by the organization with ``reshareContext.parent`` = the employee's post;
    Facebook: a page post of the share's tracked link), with the company's comment. One per
    share and page: two managers amplifying the same post at once make one."""

    share = models.ForeignKey(
        "social.Share", on_delete=models.PROTECT, related_name="amplifications"
    )
    account = models.ForeignKey(
        "social.OrganizationAccount", on_delete=models.PROTECT, related_name="amplifications"
    )
    network = models.CharField(_("network"), max_length=16)
    comment = models.TextField(_("comment"), blank=True)
    state = models.CharField(
        max_length=16, choices=AmplificationState.choices, default=AmplificationState.QUEUED
    )
    created_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    attempt_id = models.UUIDField(null=True, blank=True)
    publishing_started_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    reconcile_checks = models.PositiveSmallIntegerField(default=0)
    external_id = models.CharField(_("post id"), max_length=200, blank=True)
    permalink = models.URLField(max_length=1000, blank=True)
    error_code = models.CharField(max_length=64, blank=True)
    error_message = models.TextField(blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("amplification")
        verbose_name_plural = _("amplifications")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "share", "account"], name="amplification_unique"
            )
        ]
        indexes = [
            models.Index(fields=["organization", "-id"], name="amplification_org_id"),
            models.Index(fields=["state", "publishing_started_at"], name="amplification_state"),
        ]

    def __str__(self) -> str:
        return f"amplification {self.pk} {self.network} {self.state}"


# --- Hashtag tracking ------------------------------------------------------------------


class ShareHashtag(TenantModel):
    """One hashtag (case-folded, without ``#``) of one share's caption, written when the share
    is published (``campaigns.services.hashtags``), so that a campaign's hashtag counts are
    read from an index instead of scanning captions."""

    share = models.ForeignKey("social.Share", on_delete=models.CASCADE, related_name="+")
    hashtag = models.CharField(max_length=100)
    network = models.CharField(max_length=16)
    published_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["share", "hashtag"], name="sharehashtag_unique"),
        ]
        indexes = [
            models.Index(
                fields=["organization", "hashtag", "published_at"], name="sharehashtag_org_tag"
            ),
        ]


class MentionSource(models.TextChoices):
    INSTAGRAM_RECENT = "instagram_recent", _("Instagram hashtag search (recent)")
    INSTAGRAM_TOP = "instagram_top", _("Instagram hashtag search (top)")


class HashtagMention(TenantModel):
    """A public post with a campaign's hashtag found by Instagram's Hashtag Search. Unique per
    organization, network and post id: fetching twice (or concurrently) stores it once."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="mentions")
    hashtag = models.CharField(max_length=100)
    source = models.CharField(max_length=20, choices=MentionSource.choices)
    network = models.CharField(max_length=16)
    external_id = models.CharField(max_length=128)
    permalink = models.URLField(max_length=1000, blank=True)
    caption_excerpt = models.CharField(max_length=300, blank=True)
    media_type = models.CharField(max_length=32, blank=True)
    posted_at = models.DateTimeField(null=True, blank=True)
    # The member whose share through Chorus is this post (Hashtag Search does not say who
    # posted: see campaigns.services.hashtags).
    membership = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    found_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "network", "external_id"], name="hashtagmention_unique"
            ),
        ]
        indexes = [
            models.Index(
                fields=["organization", "campaign", "-posted_at", "-id"],
                name="hashtagmention_campaign",
            ),
        ]


class HashtagSearch(TenantModel):
    """A hashtag the organization's Instagram business account asked ``ig_hashtag_search``
    for: Instagram counts 30 unique hashtags per account in a rolling 7 days from the first
    query, and a repeat neither counts again nor restarts the 7 days."""

    account = models.ForeignKey(
        "social.OrganizationAccount", on_delete=models.CASCADE, related_name="+"
    )
    hashtag = models.CharField(max_length=100)
    hashtag_external_id = models.CharField(max_length=64, blank=True)
    first_searched_at = models.DateTimeField(default=timezone.now)
    last_searched_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "hashtag"], name="hashtagsearch_unique"),
        ]
        indexes = [
            models.Index(
                fields=["organization", "account", "-first_searched_at"],
                name="hashtagsearch_account",
            ),
        ]


__all__ = [
    "Amplification",
    "AmplificationState",
    "Campaign",
    "CampaignAudience",
    "CampaignAudienceDimension",
    "CampaignItem",
    "CampaignStatus",
    "GoalMetric",
    "HashtagMention",
    "HashtagSearch",
    "MentionSource",
    "PointsAction",
    "PointsBalance",
    "PointsEntry",
    "PointsRule",
    "PointsShareProgress",
    "Raffle",
    "RaffleEntry",
    "RaffleStatus",
    "RaffleWinner",
    "RecognitionSettings",
    "Redemption",
    "RedemptionStatus",
    "Reward",
    "ShareHashtag",
]
