"""Departments: create, rename, delete. Each service takes the acting ``Membership`` and
checks ``MANAGE_DEPARTMENTS`` itself."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ..models import Department, Membership, Organization
from ..permissions import Capability, capability_require
from .audit import audit_log_record, check_same_org


def _name_taken(name: str) -> ValidationError:
    return ValidationError(
        {"name": [_("There is already a department called “%(name)s”.") % {"name": name}]}
    )


def _department_name_clean(*, organization: Organization, name: str, exclude_pk: Any = None) -> str:
    name = (name or "").strip()
    max_length = Department._meta.get_field("name").max_length
    if not name:
        raise ValidationError({"name": [_("Give the department a name.")]})
    if max_length and len(name) > max_length:
        raise ValidationError({"name": [_("At most %(n)d characters.") % {"n": max_length}]})
    clash = Department.objects.for_org(organization).filter(name__iexact=name)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise _name_taken(name)
    return name


def department_create(*, actor: Membership, name: str) -> Department:
    capability_require(actor, Capability.MANAGE_DEPARTMENTS)
    organization = actor.organization
    name = _department_name_clean(organization=organization, name=name)
    try:
        with transaction.atomic():
            department = Department.objects.create(organization=organization, name=name)
            audit_log_record(
                organization=organization,
                actor=actor.user,
                action="department.created",
                target=department,
                data={"name": name},
            )
    except IntegrityError as exc:  # a concurrent create with the same name
        raise _name_taken(name) from exc
    return department


def department_rename(*, actor: Membership, department: Department, name: str) -> Department:
    capability_require(actor, Capability.MANAGE_DEPARTMENTS)
    organization = actor.organization
    check_same_org(organization, department)
    name = _department_name_clean(organization=organization, name=name, exclude_pk=department.pk)
    old = department.name
    if old == name:
        return department
    try:
        with transaction.atomic():
            department.name = name
            department.save(update_fields=["name"])
            audit_log_record(
                organization=organization,
                actor=actor.user,
                action="department.renamed",
                target=department,
                data={"from": old, "to": name},
            )
    except IntegrityError as exc:
        department.name = old
        raise _name_taken(name) from exc
    return department


@transaction.atomic
def department_delete(*, actor: Membership, department: Department) -> None:
    """Members and invitations of the department keep going, with no department."""
    capability_require(actor, Capability.MANAGE_DEPARTMENTS)
    organization = actor.organization
    check_same_org(organization, department)
    members = Membership.objects.for_org(organization).filter(department=department).count()
    audit_log_record(
        organization=organization,
        actor=actor.user,
        action="department.deleted",
        target=department,
        data={"name": department.name, "members": members},
    )
    department.delete()
