"""Notifications: what a member was told (in-app rows), how they want to be told
(preferences, quiet hours; the organization's defaults) and what went out on the other
channels (the delivery log, exactly once per idempotency key)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from advocacy.models import Membership, TenantModel


class Channel(models.TextChoices):
    IN_APP = "in_app", _("In the app")
    EMAIL = "email", _("E-mail")
    SLACK = "slack", _("Slack")
    TEAMS = "teams", _("Microsoft Teams")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class OrganizationNotificationSettings(TenantModel):
    """The organization's defaults: channels per event (``{event: [channel, ...]}``; an event
    missing here uses the registry's default), quiet hours, the digest's day and hour, and
    where the batched events left off."""

    default_channels = models.JSONField(default=dict, blank=True)
    quiet_start = models.TimeField(_("quiet hours from"), null=True, blank=True)
    quiet_end = models.TimeField(_("quiet hours until"), null=True, blank=True)
    digest_weekday = models.PositiveSmallIntegerField(
        _("digest day"), choices=Weekday.choices, default=Weekday.MONDAY
    )
    digest_hour = models.PositiveSmallIntegerField(_("digest hour"), default=9)
    #: The end of the last "new content" batch (items whose feed time is after it are new).
    content_batch_at = models.DateTimeField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")
        constraints = [
            models.UniqueConstraint(fields=["organization"], name="notifsettings_one_per_org")
        ]


class MemberNotificationSettings(TenantModel):
    """A member's quiet hours (empty: the organization's) and time zone (empty: the
    organization's)."""

    membership = models.OneToOneField(
        Membership, on_delete=models.CASCADE, related_name="notification_settings"
    )
    quiet_start = models.TimeField(_("quiet hours from"), null=True, blank=True)
    quiet_end = models.TimeField(_("quiet hours until"), null=True, blank=True)
    #: True: no quiet hours even when the organization sets some.
    quiet_disabled = models.BooleanField(_("no quiet hours"), default=False)
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("member notification settings")
        verbose_name_plural = _("member notification settings")


class NotificationPreference(TenantModel):
    """One member's choice for one event on one channel (no row: the organization's default)."""

    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    event = models.CharField(max_length=48)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    enabled = models.BooleanField(default=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "event", "channel"], name="notifpref_unique"
            )
        ]


class Notification(TenantModel):
    """One in-app notification. Its text is rendered from ``event`` and ``params`` when it is
    read, in the reader's language (``notifications.events``)."""

    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="notifications"
    )
    event = models.CharField(max_length=48)
    params = models.JSONField(default=dict, blank=True)
    link = models.CharField(max_length=500, blank=True)
    #: recipient x event x period: the same event for the same period is stored once.
    key = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["organization", "key"], name="notification_unique_key")
        ]
        indexes = [
            models.Index(
                fields=["organization", "membership", "-id"], name="notification_member_id"
            ),
            # The bell's unread count: only unread rows are in it.
            models.Index(
                fields=["organization", "membership"],
                condition=models.Q(read_at__isnull=True),
                name="notification_member_unread",
            ),
        ]


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Skipped")


class Delivery(TenantModel):
    """One message to send on an outside channel (e-mail, chat). ``key`` (recipient x event x
    period x channel) is unique per organization: a second ``notify`` of the same thing, a
    retried task or a second worker finds the row and sends nothing more."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    event = models.CharField(max_length=48)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    params = models.JSONField(default=dict, blank=True)
    link = models.CharField(max_length=500, blank=True)
    key = models.CharField(max_length=200)
    status = models.CharField(
        max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    #: Quiet hours: not sent before this time.
    not_before = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["organization", "key"], name="delivery_unique_key")
        ]
        indexes = [
            models.Index(
                fields=["status", "not_before"],
                condition=models.Q(status="pending"),
                name="delivery_pending_due",
            ),
        ]


class ChatKind(models.TextChoices):
    SLACK = "slack", _("Slack")
    TEAMS = "teams", _("Microsoft Teams")


class ChatChannel(TenantModel):
    """An organization's Slack or Teams channel, reached through an incoming webhook whose
    URL (a secret: whoever has it can post) is stored encrypted like network tokens."""

    kind = models.CharField(_("platform"), max_length=8, choices=ChatKind.choices)
    name = models.CharField(_("name"), max_length=100)
    url_encrypted = models.TextField(editable=False)
    #: What the admin sees of the URL: its host and last characters.
    url_hint = models.CharField(max_length=120, editable=False)
    #: The events posted there (``events.EVENTS`` kinds with ``chat=True``).
    events = models.JSONField(default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        "advocacy.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_posted_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("chat channel")
        verbose_name_plural = _("chat channels")
        indexes = [models.Index(fields=["organization", "is_active"], name="chatchannel_org")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.name}"


class ChatPost(TenantModel):
    """One message to one chat channel, exactly once per channel x event x period (``key``)."""

    channel = models.ForeignKey(ChatChannel, on_delete=models.CASCADE, related_name="posts")
    event = models.CharField(max_length=48)
    params = models.JSONField(default=dict, blank=True)
    link = models.CharField(max_length=500, blank=True)
    key = models.CharField(max_length=200)
    status = models.CharField(
        max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    not_before = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("chat post")
        verbose_name_plural = _("chat posts")
        constraints = [
            models.UniqueConstraint(fields=["organization", "key"], name="chatpost_unique_key")
        ]
        indexes = [
            models.Index(
                fields=["status", "not_before"],
                condition=models.Q(status="pending"),
                name="chatpost_pending_due",
            ),
        ]
