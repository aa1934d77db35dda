"""Invitations: invite (one, or a batch all-or-none), revoke, resend, expire, and the
e-mail with its link.

An invitation's token is random, single-use and stored only as a SHA-256 digest. The
token is (re)issued by the Celery task that sends the e-mail, so it never travels
through the broker and a resend makes the previous link useless. Inviting, revoking and
resending take the acting ``Membership`` and check ``MANAGE_MEMBERS`` themselves;
expiring is the system's own sweep.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ..models import (
    AuditLogEntry,
    Department,
    Invitation,
    Membership,
    Organization,
    Role,
    token_hash,
)
from ..permissions import Capability, capability_require
from .audit import audit_log_record, check_same_org
from .invitation_rows import (
    MAX_INVITATION_ROWS,
    InvitationRow,
    InvitationRowsInvalid,
    invitation_rows_validate,
)

#: What ``invitation_status`` answers, in the order an invitation can reach them.
INVITATION_STATUSES = ("pending", "expired", "revoked", "used")


def _invitation_expiry() -> Any:
    return timezone.now() + timedelta(days=settings.INVITATION_TTL_DAYS)


def _enqueue_invitation_emails(
    *, organization: Organization, invitations: list[Invitation]
) -> None:
    from .. import tasks

    ids = [inv.pk for inv in invitations]
    if not ids:
        return
    if len(ids) == 1:
        transaction.on_commit(lambda: tasks.invitation_send.delay(ids[0], organization.pk))
    else:
        transaction.on_commit(lambda: tasks.bulk_invitations_send.delay(ids, organization.pk))


@transaction.atomic
def invitations_create(*, actor: Membership, rows: list[InvitationRow]) -> list[Invitation]:
    """Invite everyone in ``rows``, or nobody: one bad row stops the whole batch."""
    capability_require(actor, Capability.MANAGE_MEMBERS)
    organization = actor.organization
    if not rows:
        raise ValidationError({"emails": [_("Give at least one e-mail address.")]})
    if len(rows) > MAX_INVITATION_ROWS:
        raise ValidationError(
            {"emails": [_("At most %(n)d invitations at a time.") % {"n": MAX_INVITATION_ROWS}]}
        )
    reports = invitation_rows_validate(organization=organization, rows=rows)
    if any(not r.ok for r in reports):
        raise InvitationRowsInvalid(reports)
    expires_at = _invitation_expiry()
    invitations = Invitation.objects.bulk_create(
        [
            Invitation(
                organization=organization,
                email=r.email,
                name=(r.row.name or "").strip(),
                role=r.role,
                department=r.department,
                token_hash=token_hash(secrets.token_urlsafe(32)),
                invited_by=actor.user,
                expires_at=expires_at,
            )
            for r in reports
        ]
    )
    if any(inv.pk is None for inv in invitations):  # backends that return no ids
        invitations = list(
            Invitation.objects.for_org(organization)
            .filter(token_hash__in=[inv.token_hash for inv in invitations])
            .order_by("pk")
        )
    AuditLogEntry.objects.bulk_create(
        [
            AuditLogEntry(
                organization=organization,
                actor=actor.user,
                action="invitation.created",
                target_type="invitation",
                target_id=str(inv.pk),
                data={
                    "email": inv.email,
                    "role": inv.role,
                    "department": inv.department.name if inv.department else None,
                },
            )
            for inv in invitations
        ]
    )
    _enqueue_invitation_emails(organization=organization, invitations=invitations)
    return invitations


def invitation_create(
    *,
    actor: Membership,
    email: str,
    role: str = Role.EMPLOYEE,
    department: Department | None = None,
    name: str = "",
) -> Invitation:
    """Invite one person; errors come back keyed by field."""
    row = InvitationRow(email=email, role=role, department=department, name=name)
    try:
        return invitations_create(actor=actor, rows=[row])[0]
    except InvitationRowsInvalid as exc:
        raise ValidationError(exc.reports[0].errors) from exc


def invitation_token_issue(*, invitation: Invitation) -> str:
    """A fresh token for the invitation; the previous one stops working."""
    raw = secrets.token_urlsafe(32)
    invitation.token_hash = token_hash(raw)
    invitation.save(update_fields=["token_hash"])
    return raw


def invitation_accept_url(raw_token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("invitation_accept", kwargs={"token": raw_token})


def invitation_email_send(*, invitation: Invitation, raw_token: str) -> None:
    """The invitation e-mail, in the organization's default language."""
    org = invitation.organization
    context = {
        "invitation": invitation,
        "organization": org,
        "inviter": invitation.invited_by,
        "accept_url": invitation_accept_url(raw_token),
        "expires_at": invitation.expires_at,
    }
    with translation.override(org.default_language or settings.LANGUAGE_CODE):
        subject = " ".join(
            render_to_string("advocacy/email/invitation_subject.txt", context).split()
        )
        body = render_to_string("advocacy/email/invitation_body.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email])


def invitation_status(invitation: Invitation) -> str:
    """``pending``, ``expired``, ``revoked`` or ``used``. An invitation past its date is
    expired even before the sweep (``invitations_expire``) has marked it."""
    if invitation.accepted_at is not None:
        return "used"
    if invitation.revoked_at is not None:
        return "revoked"
    if invitation.expired_at is not None or invitation.expires_at <= timezone.now():
        return "expired"
    return "pending"


def _invitation_lock_unused(*, actor: Membership, invitation: Invitation) -> Invitation:
    """For a member manager: ``invitation`` locked, refused when it has been accepted."""
    capability_require(actor, Capability.MANAGE_MEMBERS)
    organization = actor.organization
    check_same_org(organization, invitation)
    invitation = Invitation.objects.for_org(organization).select_for_update().get(pk=invitation.pk)
    if invitation_status(invitation) == "used":
        raise ValidationError(_("This invitation has already been accepted."))
    return invitation


def _invitation_audit(actor: Membership, invitation: Invitation, action: str) -> None:
    audit_log_record(
        organization=actor.organization,
        actor=actor.user,
        action=action,
        target=invitation,
        data={"email": invitation.email},
    )


@transaction.atomic
def invitation_revoke(*, actor: Membership, invitation: Invitation) -> Invitation:
    invitation = _invitation_lock_unused(actor=actor, invitation=invitation)
    if invitation_status(invitation) == "revoked":
        return invitation
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    _invitation_audit(actor, invitation, "invitation.revoked")
    return invitation


@transaction.atomic
def invitation_resend(*, actor: Membership, invitation: Invitation) -> Invitation:
    """Send again with a new link and a new expiry; the old link stops working. An expired
    invitation becomes pending again."""
    invitation = _invitation_lock_unused(actor=actor, invitation=invitation)
    organization = actor.organization
    status = invitation_status(invitation)
    if status == "revoked":
        raise ValidationError(_("This invitation was revoked; invite the person again."))
    if (
        Membership.objects.for_org(organization)
        .filter(is_active=True, user__email__iexact=invitation.email)
        .exists()
    ):
        raise ValidationError(_("This person is already a member."))
    invitation.expires_at = _invitation_expiry()
    invitation.expired_at = None
    invitation.save(update_fields=["expires_at", "expired_at"])
    _invitation_audit(actor, invitation, "invitation.resent")
    _enqueue_invitation_emails(organization=organization, invitations=[invitation])
    return invitation


@transaction.atomic
def invitations_expire(*, organization: Organization, now: datetime | None = None) -> int:
    """Mark the organization's unanswered invitations whose date has passed as expired,
    each with an audit entry (actor: the system). Returns how many expired now; running it
    again changes nothing."""
    now = now or timezone.now()
    due = list(
        Invitation.objects.for_org(organization)
        .select_for_update(skip_locked=True)
        .filter(
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expired_at__isnull=True,
            expires_at__lte=now,
        )
        .order_by("pk")
    )
    if not due:
        return 0
    Invitation.objects.for_org(organization).filter(pk__in=[inv.pk for inv in due]).update(
        expired_at=now
    )
    AuditLogEntry.objects.bulk_create(
        [
            AuditLogEntry(
                organization=organization,
                actor=None,
                action="invitation.expired",
                target_type="invitation",
                target_id=str(inv.pk),
                data={"email": inv.email, "expires_at": inv.expires_at.isoformat()},
            )
            for inv in due
        ]
    )
    return len(due)
