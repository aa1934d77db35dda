"""Member administration: roles, profiles, deactivation and reactivation.

Administrators change members' roles and profiles, and deactivate or reactivate them.
Two rules protect an organization from locking itself out: it always keeps an active
admin, and nobody deactivates themselves. Every service takes the acting
``Membership`` and checks ``MANAGE_MEMBERS`` itself.
"""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Department, Membership, Organization, Role
from ..permissions import Capability, capability_require, has_capability
from ..signals import member_deactivated
from .audit import audit_log_record, check_same_org


class _Unchanged:
    def __repr__(self) -> str:
        return "UNCHANGED"


UNCHANGED: Any = _Unchanged()

MEMBER_EDITABLE_FIELDS = ("role", "department", "location", "language", "job_title", "external_id")


def _language_codes() -> set[str]:
    return {code for code, _name in settings.LANGUAGES}


def _membership_lock(*, organization: Organization, membership: Membership) -> Membership:
    """The membership re-read under a row lock, inside ``organization`` (with its user and
    department), so concurrent admin changes serialise."""
    check_same_org(organization, membership)
    return (
        Membership.objects.for_org(organization)
        .select_for_update(of=("self",))
        .select_related("user", "department")
        .get(pk=membership.pk)
    )


def _admin_change_lock(
    *, organization: Organization, actor: Membership, membership: Membership
) -> tuple[Membership, Membership | None, bool]:
    """Lock, in one statement and in id order, every row an admin change depends on: the
    actor, the member, and the organization's active admins.

    Two admins changing each other at once used to lock "the member" first and "the other
    admins" second, in opposite orders, and PostgreSQL broke the deadlock with an error (a
    500). One ``SELECT … FOR UPDATE`` ordered by id takes the locks in the same order in every
    transaction, so the second waits for the first and then sees its result: the
    "last active admin" rule and the actor's own membership are decided on committed rows.

    Returns the locked member, the locked actor and whether an active admin other than the
    member exists.
    """
    check_same_org(organization, actor, membership)
    rows = list(
        Membership.objects.for_org(organization)
        .select_for_update(of=("self",))
        .select_related("user", "department")
        .filter(Q(pk__in=[actor.pk, membership.pk]) | Q(role=Role.ADMIN, is_active=True))
        .order_by("pk")
    )
    by_pk = {row.pk: row for row in rows}
    locked = by_pk.get(membership.pk)
    if locked is None:
        raise Membership.DoesNotExist
    other_admins = any(
        row.role == Role.ADMIN and row.is_active and row.pk != locked.pk for row in rows
    )
    return locked, by_pk.get(actor.pk), other_admins


def _actor_still_manages_members(locked_actor: Membership | None) -> None:
    """The actor, re-read under the lock, may still manage members (the loser of two admins
    changing each other learns that the winner changed them first)."""
    if locked_actor is None or not locked_actor.is_active:
        raise ValidationError(_("Your membership of this organization is no longer active."))
    if not has_capability(locked_actor, Capability.MANAGE_MEMBERS):
        raise ValidationError(_("Your role has just changed: you can no longer manage members."))


def _display(value: Any) -> Any:
    if isinstance(value, Department):
        return {"id": value.pk, "name": value.name}
    return value


@transaction.atomic
def member_update(
    *,
    actor: Membership,
    membership: Membership,
    role: str = UNCHANGED,
    department: Department | None = UNCHANGED,
    location: str = UNCHANGED,
    language: str = UNCHANGED,
    job_title: str = UNCHANGED,
    external_id: str = UNCHANGED,
) -> Membership:
    """Change a member's role or profile. Refuses to demote the last active admin, a
    department of another organization and an employee ID that another member has."""
    capability_require(actor, Capability.MANAGE_MEMBERS)
    organization = actor.organization
    membership, locked_actor, other_admins = _admin_change_lock(
        organization=organization, actor=actor, membership=membership
    )
    requested = {
        "role": role,
        "department": department,
        "location": location.strip() if isinstance(location, str) else location,
        "language": language,
        "job_title": job_title.strip() if isinstance(job_title, str) else job_title,
        "external_id": external_id.strip() if isinstance(external_id, str) else external_id,
    }
    requested = {k: v for k, v in requested.items() if v is not UNCHANGED}
    errors: dict[str, list[str]] = {}

    if "role" in requested:
        if requested["role"] not in Role.values:
            errors.setdefault("role", []).append(_("Choose a valid role."))
        elif (
            membership.role == Role.ADMIN
            and requested["role"] != Role.ADMIN
            and membership.is_active
            and not other_admins
        ):
            errors.setdefault("role", []).append(
                _("This is the organization's last active admin. Make someone else an admin first.")
            )
    department_wanted = requested.get("department")
    if isinstance(department_wanted, Department) and (
        department_wanted.organization_id != organization.pk
    ):
        errors.setdefault("department", []).append(_("Choose a department of this organization."))
    if "language" in requested and requested["language"] not in {"", *_language_codes()}:
        errors.setdefault("language", []).append(_("Choose a valid language."))
    if (
        requested.get("external_id")
        and Membership.objects.for_org(organization)
        .filter(external_id=requested["external_id"])
        .exclude(pk=membership.pk)
        .exists()
    ):
        errors.setdefault("external_id", []).append(
            _("Another member of this organization already has this employee ID.")
        )
    for name in ("location", "job_title", "external_id"):
        value = requested.get(name)
        # location, job_title and external_id are CharFields.
        max_length = cast(models.CharField, Membership._meta.get_field(name)).max_length

        if isinstance(value, str) and max_length and len(value) > max_length:
            errors.setdefault(name, []).append(_("At most %(n)d characters.") % {"n": max_length})
    if errors:
        raise ValidationError(errors)
    _actor_still_manages_members(locked_actor)

    changes: dict[str, list[Any]] = {}
    for name, value in requested.items():
        old = getattr(membership, name)
        if old != value:
            changes[name] = [_display(old), _display(value)]
            setattr(membership, name, value)
    if changes:
        try:
            with transaction.atomic():
                membership.save(update_fields=list(changes))
        except IntegrityError as exc:  # a concurrent change took the employee ID
            raise ValidationError(
                {
                    "external_id": [
                        _("Another member of this organization already has this employee ID.")
                    ]
                }
            ) from exc
        audit_log_record(
            organization=organization,
            actor=actor.user,
            action="membership.updated",
            target=membership,
            data={"email": membership.user.email, "changes": changes},
        )
    return membership


@transaction.atomic
def member_deactivate(*, actor: Membership, membership: Membership) -> Membership:
    """Take a member's access away at once; their history (shares, points, audit) stays.

    ``member_deactivated`` is sent in the same transaction, so the apps built on the core stop
    the member's pending work with it (``social`` cancels their scheduled and queued shares).
    """
    capability_require(actor, Capability.MANAGE_MEMBERS)
    organization = actor.organization
    if membership.user_id == actor.user_id:
        raise ValidationError(_("You cannot deactivate yourself."))
    membership, locked_actor, other_admins = _admin_change_lock(
        organization=organization, actor=actor, membership=membership
    )
    if not membership.is_active:
        return membership
    if membership.role == Role.ADMIN and not other_admins:
        raise ValidationError(
            _("This is the organization's last active admin. Make someone else an admin first.")
        )
    _actor_still_manages_members(locked_actor)
    _membership_set_active(membership, is_active=False)
    member_deactivated.send(sender=Membership, membership=membership, actor=actor)
    _membership_audit(actor, membership, "membership.deactivated")
    return membership


def _membership_set_active(membership: Membership, *, is_active: bool) -> None:
    membership.is_active = is_active
    membership.deactivated_at = None if is_active else timezone.now()
    membership.save(update_fields=["is_active", "deactivated_at"])


def _membership_audit(actor: Membership, membership: Membership, action: str) -> None:
    audit_log_record(
        organization=actor.organization,
        actor=actor.user,
        action=action,
        target=membership,
        data={"email": membership.user.email},
    )


@transaction.atomic
def member_reactivate(*, actor: Membership, membership: Membership) -> Membership:
    capability_require(actor, Capability.MANAGE_MEMBERS)
    organization = actor.organization
    membership = _membership_lock(organization=organization, membership=membership)
    if membership.is_active:
        return membership
    _membership_set_active(membership, is_active=True)
    _membership_audit(actor, membership, "membership.reactivated")
    return membership
