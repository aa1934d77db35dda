"""Guidelines: policy documents with versions and acknowledgements, their images, and the
caption rules that ``guidelines.checker`` applies."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from advocacy.models import TenantModel
from advocacy.networks import Network


class DocumentKind(models.TextChoices):
    POLICY = "policy", _("Social-media policy")
    STYLE_GUIDE = "style_guide", _("Brand style guide")
    FAQ = "faq", _("FAQ")


class PolicyDocument(TenantModel):
    """A document employees read in the app; its text lives in versions."""

    kind = models.CharField(_("kind"), max_length=16, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("address"), max_length=80)
    contact_name = models.CharField(_("program contact"), max_length=150, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    #: Annotated by ``selectors.policy_documents`` on list rows; not stored.
    published_version_id: int | None
    published_number: int | None
    published_at: datetime | None

    class Meta:
        verbose_name = _("policy document")
        verbose_name_plural = _("policy documents")
        ordering = ("kind", "title", "id")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "slug"], name="policydocument_unique_slug_per_org"
            )
        ]
        indexes = [models.Index(fields=["organization", "kind"], name="policydoc_org_kind")]

    def __str__(self) -> str:
        return self.title


class PolicyVersion(TenantModel):
    """One version of a document. Drafts are editable; once published, a version never
    changes (its sanitised HTML is rendered and stored at publish time)."""

    document = models.ForeignKey(PolicyDocument, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    body_markdown = models.TextField(_("text (Markdown)"), blank=True)
    rendered_html = models.TextField(blank=True, editable=False)
    requires_reacknowledgement = models.BooleanField(
        _("requires re-acknowledgement"),
        default=False,
        help_text=_("Everyone must accept this version again before their next share."),
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("policy version")
        verbose_name_plural = _("policy versions")
        ordering = ("document_id", "number")
        constraints = [
            models.UniqueConstraint(
                fields=["document", "number"], name="policyversion_unique_number_per_document"
            )
        ]
        indexes = [
            models.Index(
                fields=["organization", "document", "-number"], name="policyversion_org_doc_num"
            )
        ]

    #: Set by ``selectors.policy_acknowledgement_required``: the number of the version the
    #: member last accepted (``None`` for a first acceptance); not stored.
    accepted_number: int | None

    def __str__(self) -> str:
        return f"{self.document_id} v{self.number}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @classmethod
    def from_db(
        cls, db: str | None, field_names: Collection[str], values: Collection[Any], **kwargs: Any
    ) -> PolicyVersion:
        instance = super().from_db(db, field_names, values, **kwargs)
        instance._published_in_db = instance.__dict__.get("published_at") is not None
        return instance

    def save(self, *args: Any, **kwargs: Any) -> None:
        if getattr(self, "_published_in_db", False):
            raise TypeError("A published policy version is immutable; publish a new version.")
        super().save(*args, **kwargs)
        self._published_in_db = self.published_at is not None


class PolicyAcknowledgement(TenantModel):
    """A member accepted a published version."""

    membership = models.ForeignKey(
        "advocacy.Membership", on_delete=models.CASCADE, related_name="policy_acknowledgements"
    )
    version = models.ForeignKey(
        PolicyVersion, on_delete=models.CASCADE, related_name="acknowledgements"
    )
    acknowledged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("policy acknowledgement")
        verbose_name_plural = _("policy acknowledgements")
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "version"], name="policyack_unique_member_version"
            )
        ]
        indexes = [
            models.Index(fields=["organization", "membership"], name="policyack_org_member"),
        ]

    def __str__(self) -> str:
        return f"{self.membership_id} accepted {self.version_id}"


class PolicyReminder(TenantModel):
    """An admin reminded a member to accept a version. One row per member, version and
    day (in the organization's time zone): a second click the same day sends nothing."""

    membership = models.ForeignKey(
        "advocacy.Membership", on_delete=models.CASCADE, related_name="policy_reminders"
    )
    version = models.ForeignKey(PolicyVersion, on_delete=models.CASCADE, related_name="reminders")
    day = models.DateField()
    batch = models.UUIDField(editable=False)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("policy reminder")
        verbose_name_plural = _("policy reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "version", "day"], name="policyreminder_once_a_day"
            )
        ]
        indexes = [
            models.Index(fields=["organization", "version", "batch"], name="policyreminder_batch")
        ]

    def __str__(self) -> str:
        return f"{self.membership_id} reminded of {self.version_id} on {self.day}"


def policy_image_path(instance: PolicyImage, filename: str) -> str:
    """Images live under the organization's own folder, named at random: the uploaded
    file name is never used (it may carry anything)."""
    ext = instance.extension or "bin"
    return f"guidelines/{instance.organization_id}/{uuid.uuid4().hex}.{ext}"


class PolicyImage(TenantModel):
    document = models.ForeignKey(PolicyDocument, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(
        _("image"), upload_to=policy_image_path, width_field="width", height_field="height"
    )
    alt_text = models.CharField(_("description (alt text)"), max_length=300, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    extension = models.CharField(max_length=8, blank=True)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("policy image")
        verbose_name_plural = _("policy images")
        ordering = ("-created_at", "-id")
        indexes = [models.Index(fields=["organization", "document"], name="policyimage_org_doc")]

    def __str__(self) -> str:
        return self.image.name or ""

    @property
    def markdown_snippet(self) -> str:
        alt = (self.alt_text or "").replace("[", "").replace("]", "")
        return f"![{alt}]({self.image.url})"


class RuleKind(models.TextChoices):
    BANNED_TERM = "banned_term", _("Banned term")
    REQUIRED_TEXT = "required_text", _("Required hashtag or disclosure")
    BRAND_SPELLING = "brand_spelling", _("Brand spelling")
    MAX_LENGTH = "max_length", _("Maximum length")
    CONFIDENTIAL_PATTERN = "confidential_pattern", _("Confidential pattern")


class Severity(models.TextChoices):
    BLOCK = "block", _("Block")
    WARN = "warn", _("Warn")


class GuidelineRule(TenantModel):
    """One caption rule. ``pattern`` holds the banned term, the required text, the wrong
    brand spelling or the regular expression, depending on ``kind``."""

    kind = models.CharField(_("kind"), max_length=24, choices=RuleKind.choices)
    networks = models.JSONField(
        _("networks"),
        default=list,
        blank=True,
        help_text=_("Leave empty for all networks."),
    )
    pattern = models.CharField(
        _("term, text or pattern"),
        max_length=300,
        blank=True,
        help_text=_(
            "Banned term or phrase; required text (e.g. #employee); the wrong spelling; or a "
            "regular expression for confidential material (case-insensitive)."
        ),
    )
    replacement = models.CharField(
        _("replacement"),
        max_length=300,
        blank=True,
        help_text=_("The right spelling, offered as a one-click fix."),
    )
    max_length = models.PositiveIntegerField(_("maximum length"), null=True, blank=True)
    severity = models.CharField(
        _("severity"), max_length=8, choices=Severity.choices, default=Severity.WARN
    )
    message = models.CharField(_("message"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("caption rule")
        verbose_name_plural = _("caption rules")
        ordering = ("kind", "id")
        indexes = [
            models.Index(fields=["organization", "is_active"], name="guidelinerule_org_active")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.pattern or self.max_length}"

    def clean(self) -> None:
        """Field rules per kind; regular expressions are compiled and probed for
        catastrophic backtracking here, so a bad pattern never reaches the checker."""
        from .patterns import validate_rule_fields

        errors = validate_rule_fields(
            kind=self.kind,
            networks=self.networks,
            pattern=self.pattern,
            replacement=self.replacement,
            max_length=self.max_length,
        )
        if errors:
            raise ValidationError(errors)

    @property
    def network_labels(self) -> list[str]:
        labels = dict(Network.choices)
        return [str(labels.get(n, n)) for n in self.networks or []]
