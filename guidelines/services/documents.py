"""Writes of policy documents: documents, versions and their publication, and members'
acknowledgements. Every write takes the acting membership and checks its capability;
administrative changes write the audit log."""

from __future__ import annotations

from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from advocacy.models import Membership, Organization
from advocacy.services import audit_log_record

from ..markdown import render_markdown
from ..models import DocumentKind, PolicyAcknowledgement, PolicyDocument, PolicyVersion
from ..signals import policy_acknowledged
from .access import require_capability


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
    actor: Membership,
    kind: str,
    title: str,
    slug: str = "",
    contact_name: str = "",
    contact_email: str = "",
    body_markdown: str = "",
) -> PolicyDocument:
    """A new document with an empty (or given) draft as version 1."""
    organization = actor.organization
    require_capability(actor, organization)
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
        created_by=actor.user,
    )
    PolicyVersion.objects.create(
        organization=organization,
        document=document,
        number=1,
        body_markdown=body_markdown,
        created_by=actor.user,
    )
    audit_log_record(
        organization=organization,
        actor=actor.user,
        action="policy_document.created",
        target=document,
        data={"kind": kind, "title": document.title},
    )
    return document


@transaction.atomic
def policy_document_update(
    *,
    actor: Membership,
    document: PolicyDocument,
    title: str,
    contact_name: str = "",
    contact_email: str = "",
) -> PolicyDocument:
    require_capability(actor, document.organization_id)
    _document_validate(kind=document.kind, title=title)
    document.title = title.strip()
    document.contact_name = contact_name.strip()
    document.contact_email = contact_email.strip()
    document.save(update_fields=["title", "contact_name", "contact_email", "updated_at"])
    audit_log_record(
        organization=document.organization,
        actor=actor.user,
        action="policy_document.updated",
        target=document,
        data={"title": document.title},
    )
    return document


@transaction.atomic
def policy_version_draft_save(
    *, actor: Membership, document: PolicyDocument, body_markdown: str
) -> PolicyVersion:
    """Save the document's draft: the latest version while unpublished, otherwise a new
    version after the latest published one."""
    require_capability(actor, document.organization_id)
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
        created_by=actor.user,
    )


def policy_version_update(
    *, actor: Membership, version: PolicyVersion, body_markdown: str
) -> PolicyVersion:
    """Edit a draft; published versions are refused (publish a new version instead)."""
    require_capability(actor, version.organization_id)
    if version.is_published:
        raise ValidationError(
            {"body_markdown": [_("A published version cannot change; edit a new draft.")]}
        )
    version.body_markdown = body_markdown
    version.save(update_fields=["body_markdown", "updated_at"])
    return version


@transaction.atomic
def policy_version_publish(
    *, actor: Membership, version: PolicyVersion, requires_reacknowledgement: bool = False
) -> PolicyVersion:
    """Publish a draft: its sanitised HTML is rendered now and stored with it."""
    require_capability(actor, version.organization_id)
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
    locked.published_by = actor.user
    locked.save()
    # The caller's instance reflects the publication too.
    for name in ("rendered_html", "requires_reacknowledgement", "published_at", "published_by"):
        setattr(version, name, getattr(locked, name))
    version._published_in_db = True
    audit_log_record(
        organization=locked.organization,
        actor=actor.user,
        action="policy_version.published",
        target=locked,
        data={
            "document_id": locked.document_id,
            "number": locked.number,
            "requires_reacknowledgement": locked.requires_reacknowledgement,
        },
    )
    from ..signals import policy_version_published

    kwargs = {
        "organization_id": locked.organization_id,
        "version_id": locked.pk,
        "document_id": locked.document_id,
    }
    transaction.on_commit(lambda: policy_version_published.send(sender=PolicyVersion, **kwargs))
    return locked


def policy_acknowledge(*, actor: Membership, version: PolicyVersion) -> PolicyAcknowledgement:
    """Record that the acting member accepted a published version (idempotent). Only the
    latest published version of its document can be accepted; any active member may."""
    membership = actor
    if version.organization_id != membership.organization_id:
        raise ValidationError({"version": [_("Not found.")]})
    if not membership.is_active:
        raise PermissionDenied(_("Your role does not allow this."))
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
            ack, created = PolicyAcknowledgement.objects.get_or_create(
                organization_id=membership.organization_id,
                membership=membership,
                version=version,
            )
    except IntegrityError:
        ack = PolicyAcknowledgement.objects.get(membership=membership, version=version)
        created = False
    if created:
        transaction.on_commit(
            partial(
                policy_acknowledged.send,
                sender=PolicyAcknowledgement,
                organization_id=ack.organization_id,
                acknowledgement_id=ack.pk,
            ),
            robust=True,
        )
    return ack
