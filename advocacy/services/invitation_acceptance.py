"""Accepting an invitation: by a signed-in person whose address it was sent to, or by a
newcomer whose account the invitation creates. The invitee has no membership yet, so
these services take the ``User``; the token was the proof."""

from __future__ import annotations

from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from ..models import Invitation, Membership, User
from ..signals import invitation_accepted
from .audit import audit_log_record
from .invitations import invitation_status


def invitation_email_matches(*, invitation: Invitation, user: User) -> bool:
    """Invitations are personal: the user's address, or one they have verified."""
    from allauth.account.models import EmailAddress

    if user.email.lower() == invitation.email.lower():
        return True
    return EmailAddress.objects.filter(
        user=user, email__iexact=invitation.email, verified=True
    ).exists()


_STATUS_MESSAGES = {
    "used": _lazy("This invitation has already been used."),
    "revoked": _lazy("This invitation was withdrawn."),
    "expired": _lazy("This invitation has expired."),
}


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """Join the organization: a new membership, or the old one reactivated."""
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("organization", "department")
        .get(pk=invitation.pk)
    )
    organization = invitation.organization
    status = invitation_status(invitation)
    if status != "pending" or not organization.is_active:
        raise ValidationError(str(_STATUS_MESSAGES.get(status, _("This invitation is closed."))))
    if not invitation_email_matches(invitation=invitation, user=user):
        raise ValidationError(_("This invitation was sent to another e-mail address."))
    department = invitation.department
    if department is not None and department.organization_id != organization.pk:
        department = None
    membership = (
        Membership.objects.for_org(organization).select_for_update().filter(user=user).first()
    )
    if membership is None:
        membership = Membership.objects.create(
            organization=organization, user=user, role=invitation.role, department=department
        )
        action = "membership.created"
    elif not membership.is_active:
        membership.is_active = True
        membership.deactivated_at = None
        membership.role = invitation.role
        membership.department = department
        membership.save(update_fields=["is_active", "deactivated_at", "role", "department"])
        action = "membership.reactivated"
    else:
        action = ""
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit_log_record(
        organization=organization,
        actor=user,
        action="invitation.accepted",
        target=invitation,
        data={"email": invitation.email},
    )
    if action:
        audit_log_record(
            organization=organization,
            actor=user,
            action=action,
            target=membership,
            data={"email": user.email, "role": membership.role, "via": "invitation"},
        )
        transaction.on_commit(
            partial(
                invitation_accepted.send,
                sender=Invitation,
                organization_id=organization.pk,
                invitation_id=invitation.pk,
                membership_id=membership.pk,
                created=action == "membership.created",
            ),
            robust=True,
        )
    return membership


@transaction.atomic
def invitation_accept_as_new_user(
    *, invitation: Invitation, name: str, password: str
) -> Membership:
    """Create the invitee's account (its address proven by the invitation) and join."""
    from allauth.account.models import EmailAddress

    if invitation_status(invitation) != "pending":
        raise ValidationError(str(_STATUS_MESSAGES.get(invitation_status(invitation), "")))
    email = invitation.email.lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError(_("An account with this e-mail address already exists; sign in."))
    user = User.objects.create_user(email=email, password=password, name=name.strip())
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return invitation_accept(invitation=invitation, user=user)
