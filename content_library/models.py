"""The content library: items employees share, their captions, images, targeting,
review history, employee suggestions and RSS/Atom sources.

State changes live in ``services.py``; reads shared by pages, API and tasks in
``selectors.py``. Denormalised columns (``feed_at``, ``targets_*``, ``url_hash``,
``search_text``/``search_vector``, ``share_count``) are written only by services.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from advocacy.models import Department, Membership, TenantModel
from advocacy.networks import Network

from .validators import validate_content_image


def url_digest(url: str) -> str:
    """Identity of a URL for de-duplication: scheme and host case-folded, no fragment."""
    from urllib.parse import urlsplit, urlunsplit

    url = (url or "").strip()
    if not url:
        return ""
    parts = urlsplit(url)
    normal = urlunsplit(
        (parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, "")
    )
    return hashlib.sha256(normal.encode()).hexdigest()


def content_image_path(instance: Any, filename: str) -> str:
    """Files carry the organization in their path; the name never comes from the user."""
    ext = (filename.rsplit(".", 1)[-1] if "." in filename else "bin").lower()[:5]
    return f"content/{instance.organization_id}/{uuid.uuid4().hex}.{ext}"


class Kind(models.TextChoices):
    LINK = "link", _("Link")
    IMAGE = "image", _("Image")
    TEXT = "text", _("Text")
    VIDEO = "video", _("Video link")


class Category(models.TextChoices):
    COMPANY_NEWS = "company_news", _("Company news")
    PRODUCT = "product", _("Product")
    THOUGHT_LEADERSHIP = "thought_leadership", _("Thought leadership")
    RECRUITING = "recruiting", _("Recruiting")
    CULTURE = "culture", _("Culture")
    INDUSTRY = "industry", _("Industry")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    #: A reviewer returned the item to its author with a comment; they edit and resubmit.
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    APPROVED = "approved", _("Approved")
    #: A reviewer turned the item down, with a reason; it is not resubmitted.
    REJECTED = "rejected", _("Rejected")
    ARCHIVED = "archived", _("Archived")


class PreviewStatus(models.TextChoices):
    NONE = "none", _("No preview")
    PENDING = "pending", _("Fetching")
    OK = "ok", _("Fetched")
    FAILED = "failed", _("Failed")


class AudienceDimension(models.TextChoices):
    LOCATION = "location", _("Location")
    ROLE = "role", _("Role")


class Topic(TenantModel):
    name = models.CharField(_("name"), max_length=80)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ("name",)
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"], name="topic_unique_name_per_org"
            )
        ]

    def __str__(self) -> str:
        return self.name


class FeedSource(TenantModel):
    """An RSS or Atom feed whose new entries are imported as drafts for curation."""

    name = models.CharField(_("name"), max_length=120)
    url = models.URLField(_("feed address"), max_length=2000)
    category = models.CharField(
        _("category"), max_length=32, choices=Category.choices, default=Category.INDUSTRY
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    is_company_content = models.BooleanField(_("company content"), default=False)
    is_paused = models.BooleanField(_("paused"), default=False)
    last_fetched_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    items_imported = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("feed source")
        verbose_name_plural = _("feed sources")
        ordering = ("name", "id")
        constraints = [
            models.UniqueConstraint(fields=["organization", "url"], name="feedsource_unique_url")
        ]
        indexes = [
            models.Index(fields=["organization", "is_paused", "id"], name="feedsource_org_paused")
        ]

    def __str__(self) -> str:
        return self.name


_STATUS_LABELS = dict(Status.choices)


class ContentItem(TenantModel):
    """Something employees may share: a link, an image, a text or a video link."""

    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.LINK)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("summary"), blank=True)
    url = models.URLField(_("link"), max_length=2000, blank=True)
    url_hash = models.CharField(max_length=64, blank=True, editable=False)
    category = models.CharField(
        _("category"), max_length=32, choices=Category.choices, default=Category.COMPANY_NEWS
    )
    topics = models.ManyToManyField(
        Topic, blank=True, related_name="items", verbose_name=_("topics")
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    is_company_content = models.BooleanField(
        _("company content"),
        default=True,
        help_text=_("Off for industry and expertise content (the 80/20 mix)."),
    )
    captions_editable = models.BooleanField(_("employees may edit the captions"), default=True)

    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    publish_at = models.DateTimeField(_("publish at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    #: When the item enters the feed (publish_at or the approval time); "newest first" sorts on it.
    feed_at = models.DateTimeField(null=True, blank=True, editable=False)
    is_pinned = models.BooleanField(_("pinned"), default=False)
    priority = models.SmallIntegerField(_("priority"), default=0)

    #: Language variants of one item share a group; one variant per language.
    translation_group = models.UUIDField(default=uuid.uuid4, editable=False)

    target_departments = models.ManyToManyField(
        Department, blank=True, related_name="+", verbose_name=_("departments")
    )
    # Which audience dimensions restrict the item (empty dimension = everyone), kept by services.
    targets_departments = models.BooleanField(default=False, editable=False)
    targets_locations = models.BooleanField(default=False, editable=False)
    targets_roles = models.BooleanField(default=False, editable=False)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    suggested_by = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("suggested by"),
    )
    source = models.ForeignKey(
        FeedSource, on_delete=models.SET_NULL, null=True, blank=True, related_name="items"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    preview_status = models.CharField(
        max_length=8, choices=PreviewStatus.choices, default=PreviewStatus.NONE
    )
    preview_title = models.CharField(max_length=300, blank=True)
    preview_description = models.TextField(blank=True)
    preview_image_url = models.URLField(max_length=2000, blank=True)
    preview_site_name = models.CharField(max_length=200, blank=True)
    preview_error = models.CharField(max_length=300, blank=True)
    preview_fetched_at = models.DateTimeField(null=True, blank=True)

    #: Number of distinct members who shared the item: +1 exactly when an ItemShareMark row
    #: is created (services.item_share_mark_record), -1 when one is removed.
    share_count = models.PositiveIntegerField(default=0, editable=False)

    search_text = models.TextField(blank=True, editable=False)
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name = _("content item")
        verbose_name_plural = _("content items")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "translation_group", "language"],
                condition=~models.Q(status="archived"),
                name="contentitem_one_variant_per_language",
            ),
            models.CheckConstraint(
                condition=models.Q(expires_at__isnull=True)
                | models.Q(publish_at__isnull=True)
                | models.Q(expires_at__gt=models.F("publish_at")),
                name="contentitem_expires_after_publish",
            ),
        ]
        indexes = [
            # The feed walks this in its order (selectors.feed_page): bounded work per page.
            models.Index(
                fields=["organization", "-is_pinned", "-priority", "-feed_at", "-id"],
                name="contentitem_feed_order",
                condition=models.Q(status="approved", feed_at__isnull=False),
            ),
            models.Index(
                fields=["organization", "status", "-id"], name="contentitem_org_status_id"
            ),
            models.Index(fields=["organization", "-id"], name="contentitem_org_id"),
            models.Index(fields=["organization", "url_hash"], name="contentitem_org_url"),
            models.Index(
                fields=["organization", "translation_group"], name="contentitem_org_group"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_scheduled(self) -> bool:
        return self.publish_at is not None and self.publish_at > timezone.now()

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def lifecycle_label(self) -> str:
        """Status as people say it: approved items are also "scheduled" or "expired"."""
        if self.status == Status.APPROVED:
            if self.is_expired:
                return str(_("Expired"))
            if self.is_scheduled:
                return str(_("Scheduled"))
        # One label translated (``get_status_display`` would translate every choice).
        return str(_STATUS_LABELS.get(self.status, self.status))

    @property
    def display_title(self) -> str:
        return self.title or self.preview_title

    @property
    def display_description(self) -> str:
        return self.body or self.preview_description


class SuggestedCaption(TenantModel):
    """One alternative caption for one network; several per network so posts differ."""

    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="captions")
    network = models.CharField(_("network"), max_length=16, choices=Network.choices)
    text = models.TextField(_("caption"))
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("suggested caption")
        verbose_name_plural = _("suggested captions")
        ordering = ("network", "position", "id")
        indexes = [models.Index(fields=["organization", "item"], name="caption_org_item")]

    def __str__(self) -> str:
        return f"{self.network}: {self.text[:40]}"


class ContentImage(TenantModel):
    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="images")
    image = models.FileField(
        _("image"), upload_to=content_image_path, validators=[validate_content_image]
    )
    alt_text = models.CharField(_("description for screen readers"), max_length=300, blank=True)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("image")
        verbose_name_plural = _("images")
        ordering = ("position", "id")
        indexes = [models.Index(fields=["organization", "item"], name="image_org_item")]

    def __str__(self) -> str:
        return self.alt_text or self.image.name or ""


class ContentAudience(TenantModel):
    """A location or role an item is targeted at (departments are the M2M on the item)."""

    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="audience")
    dimension = models.CharField(max_length=16, choices=AudienceDimension.choices)
    value = models.CharField(max_length=120)

    class Meta:
        verbose_name = _("audience")
        verbose_name_plural = _("audiences")
        constraints = [
            models.UniqueConstraint(
                fields=["item", "dimension", "value"], name="audience_unique_per_item"
            )
        ]
        indexes = [
            models.Index(fields=["organization", "item", "dimension"], name="audience_org_item")
        ]

    def __str__(self) -> str:
        return f"{self.dimension}={self.value}"


class ContentItemRevision(TenantModel):
    """Change history: who changed what, with before and after, written by services."""

    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="revisions")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(max_length=32)
    changes = models.JSONField(default=dict, blank=True)
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        ordering = ("-created_at", "-id")
        indexes = [models.Index(fields=["organization", "item", "-id"], name="revision_org_item")]

    def __str__(self) -> str:
        return f"{self.action} #{self.item_id}"


class ContentItemApproval(TenantModel):
    """One reviewer's approval of the item as it stands. When the organization requires a
    second reviewer, the item is approved at the second distinct row; an edit of the
    content, a request for changes or a rejection clears the rows (services.review)."""

    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="approvals")
    reviewer = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        ordering = ("created_at", "id")
        constraints = [
            models.UniqueConstraint(fields=["item", "reviewer"], name="approval_one_per_reviewer")
        ]
        indexes = [models.Index(fields=["organization", "item"], name="approval_org_item")]

    def __str__(self) -> str:
        return f"{self.reviewer_id} approved {self.item_id}"


class ItemShareMark(TenantModel):
    """One row per (item, member) who shared it at least once.

    The sharing app writes it through ``services.item_share_mark_record`` when a share is
    published; the feed reads "already shared by me" from here and "colleagues shared"
    from ``ContentItem.share_count`` without touching the shares table.
    """

    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="share_marks")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    first_shared_at = models.DateTimeField(default=timezone.now)
    last_shared_at = models.DateTimeField(default=timezone.now)
    times = models.PositiveIntegerField(default=1)
    networks = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("share mark")
        verbose_name_plural = _("share marks")
        constraints = [
            models.UniqueConstraint(fields=["item", "membership"], name="sharemark_unique")
        ]
        indexes = [
            models.Index(fields=["organization", "membership", "item"], name="sharemark_org_member")
        ]

    def __str__(self) -> str:
        return f"{self.membership_id} shared {self.item_id}"


class SuggestionKind(models.TextChoices):
    LINK = "link", _("A link")
    POST = "post", _("An original post")


class SuggestionStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class ContentSuggestion(TenantModel):
    """An employee's proposal: a link or an original post, with a note for the curators."""

    submitted_by = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(
        _("kind"), max_length=8, choices=SuggestionKind.choices, default=SuggestionKind.LINK
    )
    url = models.URLField(_("link"), max_length=2000, blank=True)
    title = models.CharField(_("title"), max_length=200, blank=True)
    text = models.TextField(_("post text"), blank=True)
    image = models.FileField(
        _("image"),
        upload_to=content_image_path,
        validators=[validate_content_image],
        blank=True,
    )
    note = models.TextField(_("note to the curators"), blank=True)
    status = models.CharField(
        max_length=16, choices=SuggestionStatus.choices, default=SuggestionStatus.PENDING
    )
    decline_reason = models.TextField(_("reason"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    item = models.ForeignKey(
        ContentItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("content suggestion")
        verbose_name_plural = _("content suggestions")
        indexes = [
            models.Index(fields=["organization", "status", "-id"], name="suggestion_org_status"),
            models.Index(
                fields=["organization", "submitted_by", "-id"], name="suggestion_org_member"
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.url or self.text[:40]


class ContentLibrarySettings(TenantModel):
    """Per-organization choices of the library (one row per organization, created lazily)."""

    reapproval_on_edit = models.BooleanField(
        _("send approved items back to review when their content is edited"), default=True
    )
    require_second_reviewer = models.BooleanField(
        _("require a second reviewer: two colleagues must approve each item"), default=False
    )

    class Meta:
        verbose_name = _("content library settings")
        verbose_name_plural = _("content library settings")
        constraints = [
            models.UniqueConstraint(fields=["organization"], name="contentsettings_one_per_org")
        ]

    def __str__(self) -> str:
        return f"settings of {self.organization_id}"
