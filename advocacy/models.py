"""The core: users, organizations (tenants), memberships, departments,
invitations, the audit log and personal API tokens."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def default_language() -> str:
    return settings.LANGUAGE_CODE


def token_hash(raw: str) -> str:
    """Tokens are stored only as SHA-256 digests: a database leak reveals no usable token."""
    return hashlib.sha256(raw.encode()).hexdigest()


# --- Global models -------------------------------------------------------------


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person. Logs in with e-mail; may belong to several organizations."""

    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField(_("e-mail address"), unique=True)
    name = models.CharField(_("name"), max_length=150, blank=True)
    language = models.CharField(
        _("interface language"), max_length=8, choices=settings.LANGUAGES, blank=True
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []
    # AbstractUser's stub wants django.contrib.auth's UserManager (username-based); this user
    # logs in with an e-mail address, so its manager's create_user takes no username.
    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.name or self.email

    def get_full_name(self) -> str:
        return self.name or self.email

    def get_short_name(self) -> str:
        return (self.name.split(" ")[0] if self.name else "") or self.email


class Organization(models.Model):
    """The tenant. Everything a customer owns points here."""

    slug = models.SlugField(_("address"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    default_language = models.CharField(
        _("default language"), max_length=8, choices=settings.LANGUAGES, default=default_language
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self) -> str:
        return self.name


class ApiToken(models.Model):
    """A personal API token for scripts. Belongs to a user, not to an organization:
    the organization still comes from the URL and the user's membership there."""

    PREFIX_LEN = 8

    #: The raw key, set on a new token for the one response that shows it; never stored.
    key: str

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=16, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @staticmethod
    def generate() -> str:
        return "chorus_" + secrets.token_urlsafe(32)


# --- Tenant-owned models -------------------------------------------------------


class UserSession(models.Model):
    """A signed-in session of a person, so that it can be ended from the server.

    Django's session store cannot list a person's sessions, yet a password reset and the end of
    a person's last membership must sign them out everywhere (``advocacy.services.sessions``).
    Global like the session itself: a person signs in once for all their organizations.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sessions"
    )
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"session of user {self.user_id} since {self.created_at:%Y-%m-%d %H:%M}"


class TenantQuerySet(models.QuerySet):
    def for_org(self, organization: Organization) -> TenantQuerySet:
        if organization is None or organization.pk is None:
            raise ValueError("for_org() needs a saved organization.")
        return self.filter(organization=organization)


class TenantManager(models.Manager.from_queryset(TenantQuerySet)):  # type: ignore[misc]
    pass


class TenantModel(models.Model):
    """Abstract base of everything a tenant owns: a non-null organization.

    Reach rows through ``Model.objects.for_org(org)`` or the organization's relation,
    never by a bare primary key from user input.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")

    objects = TenantManager()

    class Meta:
        abstract = True


class Role(models.TextChoices):
    EMPLOYEE = "employee", _("Employee")
    MANAGER = "manager", _("Manager")
    HR = "hr", _("HR")
    ADMIN = "admin", _("Admin")


class Department(TenantModel):
    name = models.CharField(_("name"), max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ("name",)
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"], name="department_unique_name_per_org"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Membership(TenantModel):
    """A user in an organization: role, department and profile there."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.EMPLOYEE)
    department = models.ForeignKey(
        Department,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("department"),
    )
    location = models.CharField(_("location"), max_length=120, blank=True)
    language = models.CharField(
        _("content language"), max_length=8, choices=settings.LANGUAGES, blank=True
    )
    job_title = models.CharField(_("job title"), max_length=120, blank=True)
    external_id = models.CharField(_("employee ID"), max_length=64, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    joined_at = models.DateTimeField(default=timezone.now)
    deactivated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user"], name="membership_unique_user_per_org"
            ),
            models.UniqueConstraint(
                fields=["organization", "external_id"],
                condition=~models.Q(external_id=""),
                name="membership_unique_external_id_per_org",
            ),
        ]
        indexes = [
            models.Index(
                fields=["organization", "is_active", "id"], name="membership_org_active_id"
            ),
            models.Index(fields=["organization", "department"], name="membership_org_dept"),
            # The members list in its default order (newest first) across active and inactive.
            models.Index(fields=["organization", "id"], name="membership_org_id"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization_id} ({self.role})"

    @property
    def content_language(self) -> str:
        return self.language or self.organization.default_language


class Invitation(TenantModel):
    """A single-use invitation to join an organization. Only a digest of the token is kept."""

    email = models.EmailField(_("e-mail address"))
    name = models.CharField(_("name"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.EMPLOYEE)
    department = models.ForeignKey(
        Department, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("department")
    )
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    #: Set by the periodic sweep (``invitations_expire``) once ``expires_at`` has passed.
    expired_at = models.DateTimeField(_("expired at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        indexes = [models.Index(fields=["organization", "email"], name="invitation_org_email")]

    def __str__(self) -> str:
        return self.email

    @property
    def is_pending(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expired_at is None
            and self.expires_at > timezone.now()
        )


class AuditLogQuerySet(TenantQuerySet):
    def update(self, **kwargs: Any) -> int:
        raise TypeError("The audit log is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("The audit log is append-only.")


class AuditLogEntry(TenantModel):
    """Append-only record of an administrative action."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(max_length=64)
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    # The append-only manager replaces TenantManager; its queryset is still a TenantQuerySet
    # (``for_org`` works), but the generated class is no TenantManager subclass.
    objects = models.Manager.from_queryset(AuditLogQuerySet)()  # type: ignore[assignment,misc]

    #: Set for display by ``audit_sentences.describe_entries``; not stored.
    sentence: str
    action_label: str

    class Meta:
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log entries")
        indexes = [models.Index(fields=["organization", "-created_at"], name="audit_org_created")]

    def __str__(self) -> str:
        return f"{self.action} {self.target_type}:{self.target_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise TypeError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("The audit log is append-only.")
