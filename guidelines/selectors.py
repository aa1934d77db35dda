"""Reads of guidelines that pages, the API, content approval and sharing share."""

from __future__ import annotations

from django.db.models import OuterRef, QuerySet, Subquery

from advocacy.models import Membership, Organization

from .models import (
    DocumentKind,
    GuidelineRule,
    PolicyAcknowledgement,
    PolicyDocument,
    PolicyImage,
    PolicyVersion,
)


def _latest_published(document_ref: OuterRef) -> QuerySet[PolicyVersion]:
    return (
        PolicyVersion.objects.filter(document=document_ref)
        .exclude(published_at=None)
        .order_by("-number")
    )


def policy_documents(*, organization: Organization, include_drafts: bool = False) -> QuerySet:
    """Documents with their latest published version's id, number and date annotated
    (``published_version_id``, ``published_number``, ``published_at``) and, for admins,
    the latest version number overall (``latest_number``). Without ``include_drafts``
    only documents with a published version."""
    latest = _latest_published(OuterRef("pk"))
    qs = PolicyDocument.objects.for_org(organization).annotate(
        published_version_id=Subquery(latest.values("id")[:1]),
        published_number=Subquery(latest.values("number")[:1]),
        published_at=Subquery(latest.values("published_at")[:1]),
        latest_number=Subquery(
            PolicyVersion.objects.filter(document=OuterRef("pk"))
            .order_by("-number")
            .values("number")[:1]
        ),
    )
    if not include_drafts:
        qs = qs.exclude(published_version_id=None)
    return qs.order_by("kind", "title", "id")


def policy_version_latest_published(*, document: PolicyDocument) -> PolicyVersion | None:
    return (
        PolicyVersion.objects.for_org(document.organization)
        .filter(document=document)
        .exclude(published_at=None)
        .order_by("-number")
        .first()
    )


def policy_version_draft(*, document: PolicyDocument) -> PolicyVersion | None:
    """The unpublished latest version of a document, if any."""
    latest = (
        PolicyVersion.objects.for_org(document.organization)
        .filter(document=document)
        .order_by("-number")
        .first()
    )
    return latest if latest is not None and not latest.is_published else None


def policy_versions(*, document: PolicyDocument) -> QuerySet[PolicyVersion]:
    return (
        PolicyVersion.objects.for_org(document.organization)
        .filter(document=document)
        .select_related("published_by", "created_by")
        .order_by("-number")
    )


def policy_images(*, document: PolicyDocument) -> QuerySet[PolicyImage]:
    return PolicyImage.objects.for_org(document.organization).filter(document=document)


def policy_acknowledgement_required(*, membership: Membership) -> PolicyVersion | None:
    """The published social-media policy version this member must accept before sharing:
    the latest version of a policy they never accepted, or of one that published a version
    marked "requires re-acknowledgement" after the last version they accepted. ``None``
    when nothing is pending. Two queries."""
    organization = membership.organization
    versions = list(
        PolicyVersion.objects.for_org(organization)
        .filter(document__kind=DocumentKind.POLICY)
        .exclude(published_at=None)
        .select_related("document")
        .order_by("document_id", "number")
        .defer("body_markdown", "rendered_html")
    )
    if not versions:
        return None
    accepted = set(
        PolicyAcknowledgement.objects.for_org(organization)
        .filter(membership=membership, version__document__kind=DocumentKind.POLICY)
        .values_list("version_id", flat=True)
    )
    by_document: dict[int, list[PolicyVersion]] = {}
    for version in versions:
        by_document.setdefault(version.document_id, []).append(version)
    for document_versions in by_document.values():
        latest = document_versions[-1]
        accepted_numbers = [v.number for v in document_versions if v.pk in accepted]
        if not accepted_numbers:
            return latest
        last = max(accepted_numbers)
        if any(v.requires_reacknowledgement and v.number > last for v in document_versions):
            return latest
    return None


def policy_acknowledged(*, membership: Membership, version: PolicyVersion) -> bool:
    return (
        PolicyAcknowledgement.objects.for_org(membership.organization)
        .filter(membership=membership, version=version)
        .exists()
    )


def guideline_rules(*, organization: Organization) -> QuerySet[GuidelineRule]:
    return GuidelineRule.objects.for_org(organization).order_by("kind", "id")
