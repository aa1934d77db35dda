"""Writes of guidelines: documents, versions and their publication, acknowledgements,
images and caption rules. Administrative changes write the audit log; every rule change
invalidates the organization's compiled rules."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from advocacy.models import Membership, Organization, User
from advocacy.services import audit_log_record

from .checker import rules_changed
from .markdown import render_markdown
from .models import (
    DocumentKind,
    GuidelineRule,
    PolicyAcknowledgement,
    PolicyDocument,
    PolicyImage,
    PolicyVersion,
    RuleKind,
    Severity,
)

MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_IMAGE_SIDE = 6000
IMAGE_FORMATS = {"PNG": "png", "JPEG": "jpg", "GIF": "gif", "WEBP": "webp"}

# --- Documents and versions ----------------------------------------------------


def _unique_slug(organization: Organization, title: str, wanted: str = "") -> str:
    base = slugify(wanted or title)[:70] or "document"
    slug, n = base, 1
    while PolicyDocument.objects.for_org(organization).filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _document_validate(*, kind: str, title: str) -> None:
    errors: dict[str, list[str]] = {}
    if kind not in DocumentKind.values:
        errors["kind"] = [_("Choose a valid kind.")]
    if not title.strip():
        errors["title"] = [_("Enter a title.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def policy_document_create(
    *,
    organization: Organization,
    actor: User,
    kind: str,
    title: str,
    slug: str = "",
    contact_name: str = "",
    contact_email: str = "",
    body_markdown: str = "",
) -> PolicyDocument:
    """A new document with an empty (or given) draft as version 1."""
    _document_validate(kind=kind, title=title)
    if slug and PolicyDocument.objects.for_org(organization).filter(slug=slugify(slug)).exists():
        raise ValidationError({"slug": [_("Another document already uses this address.")]})
    document = PolicyDocument.objects.create(
        organization=organization,
        kind=kind,
        title=title.strip(),
        slug=_unique_slug(organization, title, slug),
        contact_name=contact_name.strip(),
        contact_email=contact_email.strip(),
        created_by=actor,
    )
    PolicyVersion.objects.create(
        organization=organization,
        document=document,
        number=1,
        body_markdown=body_markdown,
        created_by=actor,
    )
    audit_log_record(
        organization=organization,
        actor=actor,
        action="policy_document.created",
        target=document,
        data={"kind": kind, "title": document.title},
    )
    return document


@transaction.atomic
def policy_document_update(
    *,
    document: PolicyDocument,
    actor: User,
    title: str,
    contact_name: str = "",
    contact_email: str = "",
) -> PolicyDocument:
    _document_validate(kind=document.kind, title=title)
    document.title = title.strip()
    document.contact_name = contact_name.strip()
    document.contact_email = contact_email.strip()
    document.save(update_fields=["title", "contact_name", "contact_email", "updated_at"])
    audit_log_record(
        organization=document.organization,
        actor=actor,
        action="policy_document.updated",
        target=document,
        data={"title": document.title},
    )
    return document


@transaction.atomic
def policy_version_draft_save(
    *, document: PolicyDocument, actor: User, body_markdown: str
) -> PolicyVersion:
    """Save the document's draft: the latest version while unpublished, otherwise a new
    version after the latest published one."""
    latest = (
        PolicyVersion.objects.for_org(document.organization)
        .select_for_update()
        .filter(document=document)
        .order_by("-number")
        .first()
    )
    if latest is not None and not latest.is_published:
        latest.body_markdown = body_markdown
        latest.save(update_fields=["body_markdown", "updated_at"])
        return latest
    return PolicyVersion.objects.create(
        organization=document.organization,
        document=document,
        number=(latest.number + 1) if latest else 1,
        body_markdown=body_markdown,
        created_by=actor,
    )


def policy_version_update(
    *, version: PolicyVersion, actor: User, body_markdown: str
) -> PolicyVersion:
    """Edit a draft; published versions are refused (publish a new version instead)."""
    if version.is_published:
        raise ValidationError(
            {"body_markdown": [_("A published version cannot change; edit a new draft.")]}
        )
    version.body_markdown = body_markdown
    version.save(update_fields=["body_markdown", "updated_at"])
    return version


@transaction.atomic
def policy_version_publish(
    *, version: PolicyVersion, actor: User, requires_reacknowledgement: bool = False
) -> PolicyVersion:
    """Publish a draft: its sanitised HTML is rendered now and stored with it."""
    locked = (
        PolicyVersion.objects.for_org(version.organization).select_for_update().get(pk=version.pk)
    )
    if locked.is_published:
        raise ValidationError({"version": [_("This version is already published.")]})
    newer_published = (
        PolicyVersion.objects.for_org(version.organization)
        .filter(document_id=locked.document_id, number__gt=locked.number)
        .exclude(published_at=None)
        .exists()
    )
    if newer_published:
        raise ValidationError({"version": [_("A newer version is already published.")]})
    if not locked.body_markdown.strip():
        raise ValidationError({"body_markdown": [_("Write the text before publishing.")]})
    locked.rendered_html = render_markdown(locked.body_markdown, organization=locked.organization)
    locked.requires_reacknowledgement = bool(requires_reacknowledgement)
    locked.published_at = timezone.now()
    locked.published_by = actor
    locked.save()
    # The caller's instance reflects the publication too.
    for name in ("rendered_html", "requires_reacknowledgement", "published_at", "published_by"):
        setattr(version, name, getattr(locked, name))
    version._published_in_db = True
    audit_log_record(
        organization=locked.organization,
        actor=actor,
        action="policy_version.published",
        target=locked,
        data={
            "document_id": locked.document_id,
            "number": locked.number,
            "requires_reacknowledgement": locked.requires_reacknowledgement,
        },
    )
    return locked


def policy_acknowledge(*, membership: Membership, version: PolicyVersion) -> PolicyAcknowledgement:
    """Record that a member accepted a published version (idempotent). Only the latest
    published version of its document can be accepted."""
    if version.organization_id != membership.organization_id or not membership.is_active:
        raise ValidationError({"version": [_("Not found.")]})
    if not version.is_published:
        raise ValidationError({"version": [_("Only a published version can be accepted.")]})
    latest_number = (
        PolicyVersion.objects.for_org(membership.organization)
        .filter(document_id=version.document_id)
        .exclude(published_at=None)
        .aggregate(n=Max("number"))["n"]
    )
    if latest_number != version.number:
        raise ValidationError(
            {"version": [_("A newer version has been published; read it first.")]}
        )
    try:
        with transaction.atomic():
            ack, _created = PolicyAcknowledgement.objects.get_or_create(
                organization_id=membership.organization_id,
                membership=membership,
                version=version,
            )
    except IntegrityError:
        ack = PolicyAcknowledgement.objects.get(membership=membership, version=version)
    return ack


# --- Images --------------------------------------------------------------------


def _image_inspect(upload: UploadedFile) -> tuple[str, int, int]:
    """(extension, width, height) of a real image in an allowed format, or a field error."""
    if upload.size is None or upload.size > MAX_IMAGE_BYTES:
        raise ValidationError(
            {"image": [_("Images can be at most %(mb)s MB.") % {"mb": MAX_IMAGE_BYTES // 2**20}]}
        )
    try:
        upload.seek(0)
        with Image.open(upload) as img:
            fmt = img.format
            width, height = img.size
            if width > MAX_IMAGE_SIDE or height > MAX_IMAGE_SIDE:
                raise ValidationError(
                    {
                        "image": [
                            _("Images can be at most %(px)s pixels wide and high.")
                            % {"px": MAX_IMAGE_SIDE}
                        ]
                    }
                )
            img.verify()
    except ValidationError:
        raise
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
    ) as exc:
        raise ValidationError({"image": [_("Upload a PNG, JPEG, GIF or WebP image.")]}) from exc
    finally:
        upload.seek(0)
    if fmt not in IMAGE_FORMATS:
        raise ValidationError({"image": [_("Upload a PNG, JPEG, GIF or WebP image.")]})
    return IMAGE_FORMATS[fmt], width, height


@transaction.atomic
def policy_image_upload(
    *, document: PolicyDocument, actor: User, upload: UploadedFile, alt_text: str = ""
) -> PolicyImage:
    extension, _width, _height = _image_inspect(upload)
    image = PolicyImage(
        organization=document.organization,
        document=document,
        alt_text=alt_text.strip()[:300],
        extension=extension,
        size=upload.size or 0,
        uploaded_by=actor,
    )
    image.image.save(f"upload.{extension}", upload, save=False)
    image.save()
    audit_log_record(
        organization=document.organization,
        actor=actor,
        action="policy_image.uploaded",
        target=image,
        data={"document_id": document.pk, "path": image.image.name},
    )
    return image


@transaction.atomic
def policy_image_delete(*, image: PolicyImage, actor: User) -> None:
    name = image.image.name
    storage = image.image.storage
    audit_log_record(
        organization=image.organization,
        actor=actor,
        action="policy_image.deleted",
        target=image,
        data={"document_id": image.document_id, "path": name},
    )
    image.delete()
    transaction.on_commit(lambda: storage.delete(name))


# --- Caption rules -------------------------------------------------------------

RULE_FIELDS = ("kind", "networks", "pattern", "replacement", "max_length", "severity", "message")


def _rule_apply(rule: GuidelineRule, data: dict[str, Any]) -> None:
    unknown = set(data) - set(RULE_FIELDS) - {"is_active"}
    if unknown:
        raise TypeError(f"Unknown rule fields: {sorted(unknown)}")
    for name, value in data.items():
        if name in ("pattern", "replacement", "message") and isinstance(value, str):
            value = value.strip()
        if name == "networks":
            value = sorted(set(value or []))
        setattr(rule, name, value)
    if rule.kind != RuleKind.MAX_LENGTH:
        rule.max_length = None
    if rule.kind == RuleKind.MAX_LENGTH:
        rule.pattern = ""
    if rule.kind not in (RuleKind.BRAND_SPELLING, RuleKind.BANNED_TERM):
        rule.replacement = ""
    if rule.severity not in Severity.values:
        raise ValidationError({"severity": [_("Choose block or warn.")]})
    rule.full_clean(exclude=["organization", "created_by"])


@transaction.atomic
def guideline_rule_create(
    *, organization: Organization, actor: User, **fields: Any
) -> GuidelineRule:
    """Fields: kind, networks, pattern, replacement, max_length, severity, message."""
    rule = GuidelineRule(organization=organization, created_by=actor)
    _rule_apply(rule, fields)
    rule.save()
    rules_changed(organization)
    audit_log_record(
        organization=organization,
        actor=actor,
        action="guideline_rule.created",
        target=rule,
        data=_rule_audit(rule),
    )
    return rule


@transaction.atomic
def guideline_rule_update(*, rule: GuidelineRule, actor: User, **fields: Any) -> GuidelineRule:
    _rule_apply(rule, fields)
    rule.save()
    rules_changed(rule.organization)
    audit_log_record(
        organization=rule.organization,
        actor=actor,
        action="guideline_rule.updated",
        target=rule,
        data=_rule_audit(rule),
    )
    return rule


@transaction.atomic
def guideline_rule_set_active(
    *, rule: GuidelineRule, actor: User, is_active: bool
) -> GuidelineRule:
    rule.is_active = is_active
    rule.save(update_fields=["is_active", "updated_at"])
    rules_changed(rule.organization)
    audit_log_record(
        organization=rule.organization,
        actor=actor,
        action="guideline_rule.activated" if is_active else "guideline_rule.deactivated",
        target=rule,
        data=_rule_audit(rule),
    )
    return rule


@transaction.atomic
def guideline_rule_delete(*, rule: GuidelineRule, actor: User) -> None:
    organization = rule.organization
    audit_log_record(
        organization=organization,
        actor=actor,
        action="guideline_rule.deleted",
        target=rule,
        data=_rule_audit(rule),
    )
    rule.delete()
    rules_changed(organization)


def _rule_audit(rule: GuidelineRule) -> dict[str, Any]:
    return {
        "kind": rule.kind,
        "networks": rule.networks,
        "pattern": rule.pattern,
        "replacement": rule.replacement,
        "max_length": rule.max_length,
        "severity": rule.severity,
        "is_active": rule.is_active,
    }
