"""Reads of guidelines that pages, the API, content approval and sharing share."""

from __future__ import annotations

from django.db.models import Case, Count, Max, OuterRef, Q, QuerySet, Subquery, Value, When

from advocacy.models import Membership, Organization

from .models import (
    DocumentKind,
    GuidelineRule,
    PolicyAcknowledgement,
    PolicyDocument,
    PolicyImage,
    PolicyReminder,
    PolicyVersion,
)

#: Filter values of the acceptance page; "accepted" also counts an earlier version that
#: needs no re-acceptance (the sharing gate lets its member share).
ACCEPTANCE_STATUSES = ("accepted", "pending")


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
    when nothing is pending. Two queries.

    The version carries ``accepted_number``: the number of the version the member accepted
    last (so this is a re-acceptance), or ``None`` (they never accepted this policy)."""
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
            latest.accepted_number = None
            return latest
        last = max(accepted_numbers)
        if any(v.requires_reacknowledgement and v.number > last for v in document_versions):
            latest.accepted_number = last
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


def policy_version_previous_published(*, version: PolicyVersion) -> PolicyVersion | None:
    """The published version before ``version`` (what a new version is compared with)."""
    return (
        PolicyVersion.objects.filter(
            organization_id=version.organization_id,
            document_id=version.document_id,
            number__lt=version.number,
        )
        .exclude(published_at=None)
        .order_by("-number")
        .first()
    )


def policy_version_by_number(*, document: PolicyDocument, number: int) -> PolicyVersion | None:
    return PolicyVersion.objects.filter(
        organization_id=document.organization_id, document=document, number=number
    ).first()


def _pending_condition(document: PolicyDocument) -> Q:
    """Members who must (re-)accept the document: never accepted it, or accepted a version
    older than the newest one that everyone had to accept again -- the same rule as
    ``policy_acknowledgement_required``. One query."""
    reack_number = (
        PolicyVersion.objects.filter(
            organization_id=document.organization_id,
            document=document,
            requires_reacknowledgement=True,
        )
        .exclude(published_at=None)
        .aggregate(n=Max("number"))["n"]
    )
    pending = Q(accepted_number__isnull=True)
    if reack_number is not None:
        pending |= Q(accepted_number__lt=reack_number)
    return pending


def _acceptances(document: PolicyDocument, version: PolicyVersion, pending: Q) -> QuerySet:
    acks = PolicyAcknowledgement.objects.filter(
        organization_id=document.organization_id,
        membership=OuterRef("pk"),
        version__document=document,
    ).order_by("-version__number")
    reminders = PolicyReminder.objects.filter(
        organization_id=document.organization_id, membership=OuterRef("pk"), version=version
    ).order_by("-created_at")
    return (
        Membership.objects.filter(organization_id=document.organization_id, is_active=True)
        .select_related("user")
        .annotate(
            accepted_number=Subquery(acks.values("version__number")[:1]),
            accepted_at=Subquery(acks.values("acknowledged_at")[:1]),
            reminded_at=Subquery(reminders.values("created_at")[:1]),
        )
        .annotate(
            acceptance=Case(
                When(pending, then=Value("pending")),
                When(accepted_number=version.number, then=Value("accepted")),
                default=Value("earlier"),
            )
        )
    )


def policy_acceptances(
    *, document: PolicyDocument, version: PolicyVersion, status: str = ""
) -> QuerySet[Membership]:
    """Active members of the document's organization, newest first, each annotated for the
    current (latest published) ``version``: ``accepted_number`` and ``accepted_at`` of the
    last version of this document they accepted, ``acceptance`` ("accepted"; "earlier": an
    older version that needs no re-acceptance; or "pending") and ``reminded_at`` (the last
    reminder of this version). ``status`` ("accepted" or "pending") filters."""
    pending = _pending_condition(document)
    qs = _acceptances(document, version, pending)
    if status == "pending":
        qs = qs.filter(pending)
    elif status == "accepted":
        qs = qs.exclude(pending)
    return qs.order_by("-id")


def policy_acceptance_counts(*, document: PolicyDocument, version: PolicyVersion) -> dict[str, int]:
    """How many active members have accepted and how many must still accept (two queries)."""
    pending = _pending_condition(document)
    counts = (
        _acceptances(document, version, pending)
        .order_by()
        .aggregate(total=Count("id"), pending=Count("id", filter=pending))
    )
    return {"accepted": counts["total"] - counts["pending"], "pending": counts["pending"]}
