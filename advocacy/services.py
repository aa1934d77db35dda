"""Writes of the core. Every administrative change writes the audit log."""

from __future__ import annotations

import csv
import io
import re
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from .models import (
    AuditLogEntry,
    Department,
    Invitation,
    Membership,
    Organization,
    Role,
    User,
    token_hash,
)


def audit_log_record(
    *,
    organization: Organization,
    actor: User | None,
    action: str,
    target: Any = None,
    data: dict[str, Any] | None = None,
) -> AuditLogEntry:
    return AuditLogEntry.objects.create(
        organization=organization,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        target_type=target._meta.model_name if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        data=data or {},
    )


def organization_unique_slug(name: str) -> str:
    base = slugify(name)[:50] or "org"
    slug, n = base, 1
    while Organization.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def organization_create(
    *,
    creator: User,
    name: str,
    default_language: str = "en",
    time_zone: str = "UTC",
    slug: str | None = None,
) -> Organization:
    """A new tenant with its creator as its first admin."""
    org = Organization.objects.create(
        name=name.strip(),
        slug=slug or organization_unique_slug(name),
        default_language=default_language,
        time_zone=time_zone,
    )
    membership = Membership.objects.create(organization=org, user=creator, role=Role.ADMIN)
    audit_log_record(
        organization=org,
        actor=creator,
        action="organization.created",
        target=org,
        data={"name": org.name},
    )
    audit_log_record(
        organization=org,
        actor=creator,
        action="membership.created",
        target=membership,
        data={"email": creator.email, "role": Role.ADMIN},
    )
    return org


# --- Members -------------------------------------------------------------------
#
# Administrators change members' roles and profiles, and deactivate or reactivate them.
# Two rules protect an organization from locking itself out: it always keeps an active
# admin, and nobody deactivates themselves.


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
    _check_same_org(organization, membership)
    return (
        Membership.objects.for_org(organization)
        .select_for_update(of=("self",))
        .select_related("user", "department")
        .get(pk=membership.pk)
    )


def _other_active_admins_exist(*, organization: Organization, membership: Membership) -> bool:
    """Locks the organization's active admins so two admins cannot demote each other at once."""
    admins = list(
        Membership.objects.for_org(organization)
        .select_for_update()
        .filter(role=Role.ADMIN, is_active=True)
        .exclude(pk=membership.pk)
        .values_list("pk", flat=True)
    )
    return bool(admins)


def _check_same_org(organization: Organization, *objects: Any) -> None:
    for obj in objects:
        if obj is not None and obj.organization_id != organization.pk:
            raise ValueError(f"{obj!r} does not belong to organization {organization.pk}.")


def _display(value: Any) -> Any:
    if isinstance(value, Department):
        return {"id": value.pk, "name": value.name}
    return value


@transaction.atomic
def member_update(
    *,
    organization: Organization,
    actor: User,
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
    membership = _membership_lock(organization=organization, membership=membership)
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
            and not _other_active_admins_exist(organization=organization, membership=membership)
        ):
            errors.setdefault("role", []).append(
                _("This is the organization's last active admin. Make someone else an admin first.")
            )
    if requested.get("department") is not None and (
        requested["department"].organization_id != organization.pk
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
        max_length = Membership._meta.get_field(name).max_length
        if isinstance(value, str) and max_length and len(value) > max_length:
            errors.setdefault(name, []).append(_("At most %(n)d characters.") % {"n": max_length})
    if errors:
        raise ValidationError(errors)

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
            actor=actor,
            action="membership.updated",
            target=membership,
            data={"email": membership.user.email, "changes": changes},
        )
    return membership


@transaction.atomic
def member_deactivate(
    *, organization: Organization, actor: User, membership: Membership
) -> Membership:
    """Take a member's access away at once; their history (shares, points, audit) stays."""
    membership = _membership_lock(organization=organization, membership=membership)
    if membership.user_id == actor.pk:
        raise ValidationError(_("You cannot deactivate yourself."))
    if not membership.is_active:
        return membership
    if membership.role == Role.ADMIN and not _other_active_admins_exist(
        organization=organization, membership=membership
    ):
        raise ValidationError(
            _("This is the organization's last active admin. Make someone else an admin first.")
        )
    membership.is_active = False
    membership.deactivated_at = timezone.now()
    membership.save(update_fields=["is_active", "deactivated_at"])
    audit_log_record(
        organization=organization,
        actor=actor,
        action="membership.deactivated",
        target=membership,
        data={"email": membership.user.email},
    )
    return membership


@transaction.atomic
def member_reactivate(
    *, organization: Organization, actor: User, membership: Membership
) -> Membership:
    membership = _membership_lock(organization=organization, membership=membership)
    if membership.is_active:
        return membership
    membership.is_active = True
    membership.deactivated_at = None
    membership.save(update_fields=["is_active", "deactivated_at"])
    audit_log_record(
        organization=organization,
        actor=actor,
        action="membership.reactivated",
        target=membership,
        data={"email": membership.user.email},
    )
    return membership


# --- Departments ----------------------------------------------------------------


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
        raise ValidationError(
            {"name": [_("There is already a department called “%(name)s”.") % {"name": name}]}
        )
    return name


def department_create(*, organization: Organization, actor: User, name: str) -> Department:
    name = _department_name_clean(organization=organization, name=name)
    try:
        with transaction.atomic():
            department = Department.objects.create(organization=organization, name=name)
            audit_log_record(
                organization=organization,
                actor=actor,
                action="department.created",
                target=department,
                data={"name": name},
            )
    except IntegrityError as exc:  # a concurrent create with the same name
        raise ValidationError(
            {"name": [_("There is already a department called “%(name)s”.") % {"name": name}]}
        ) from exc
    return department


def department_rename(
    *, organization: Organization, actor: User, department: Department, name: str
) -> Department:
    _check_same_org(organization, department)
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
                actor=actor,
                action="department.renamed",
                target=department,
                data={"from": old, "to": name},
            )
    except IntegrityError as exc:
        department.name = old
        raise ValidationError(
            {"name": [_("There is already a department called “%(name)s”.") % {"name": name}]}
        ) from exc
    return department


@transaction.atomic
def department_delete(*, organization: Organization, actor: User, department: Department) -> None:
    """Members and invitations of the department keep going, with no department."""
    _check_same_org(organization, department)
    members = Membership.objects.for_org(organization).filter(department=department).count()
    audit_log_record(
        organization=organization,
        actor=actor,
        action="department.deleted",
        target=department,
        data={"name": department.name, "members": members},
    )
    department.delete()


# --- Invitations ----------------------------------------------------------------
#
# An invitation's token is random, single-use and stored only as a SHA-256 digest. The
# token is (re)issued by the Celery task that sends the e-mail, so it never travels
# through the broker and a resend makes the previous link useless.

MAX_INVITATION_ROWS = 5000
CSV_MAX_BYTES = 2 * 1024 * 1024


@dataclass
class InvitationRow:
    """One person to invite, as typed, pasted or read from a CSV file."""

    email: str
    role: str = Role.EMPLOYEE
    department: Department | None = None
    department_name: str = ""
    name: str = ""
    line: int = 0


@dataclass
class InvitationRowReport:
    row: InvitationRow
    email: str = ""
    role: str = ""
    department: Department | None = None
    errors: dict[str, list[str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def messages(self) -> list[str]:
        return [m for msgs in self.errors.values() for m in msgs]


class InvitationRowsInvalid(ValidationError):
    """Raised when any row of a batch is wrong; ``reports`` says what, row by row."""

    def __init__(self, reports: list[InvitationRowReport]) -> None:
        self.reports = reports
        bad = [r for r in reports if not r.ok]
        super().__init__(
            ngettext(
                "%(n)d row has a problem; nobody was invited.",
                "%(n)d rows have problems; nobody was invited.",
                len(bad),
            )
            % {"n": len(bad)}
        )


def _role_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for value, label in Role.choices:
        lookup[value.lower()] = value
        lookup[str(label).lower()] = value
    return lookup


def _chunks(items: list[str], size: int = 500) -> Any:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def invitation_rows_validate(
    *, organization: Organization, rows: list[InvitationRow]
) -> list[InvitationRowReport]:
    """Check every row; a constant number of queries per 500 rows, whatever the batch."""
    roles = _role_lookup()
    departments = {d.name.strip().lower(): d for d in Department.objects.for_org(organization)}
    reports: list[InvitationRowReport] = []
    first_line: dict[str, int] = {}
    for index, row in enumerate(rows, start=1):
        line = row.line or index
        report = InvitationRowReport(row=row)
        email = (row.email or "").strip().lower()
        report.email = email
        if not email:
            report.errors.setdefault("email", []).append(_("The e-mail address is missing."))
        else:
            try:
                validate_email(email)
            except ValidationError:
                report.errors.setdefault("email", []).append(
                    _("“%(email)s” is not a valid e-mail address.") % {"email": row.email.strip()}
                )
            else:
                if email in first_line:
                    report.errors.setdefault("email", []).append(
                        _("Appears more than once (first on line %(line)d).")
                        % {"line": first_line[email]}
                    )
                else:
                    first_line[email] = line
        role = roles.get((row.role or "").strip().lower() or Role.EMPLOYEE)
        if role is None:
            report.errors.setdefault("role", []).append(
                _("Unknown role “%(role)s”. Use one of: %(roles)s.")
                % {"role": row.role, "roles": ", ".join(Role.values)}
            )
        else:
            report.role = role
        if row.department is not None:
            if row.department.organization_id != organization.pk:
                report.errors.setdefault("department", []).append(
                    _("Choose a department of this organization.")
                )
            else:
                report.department = row.department
        elif row.department_name.strip():
            department = departments.get(row.department_name.strip().lower())
            if department is None:
                report.errors.setdefault("department", []).append(
                    _("Unknown department “%(name)s”.") % {"name": row.department_name.strip()}
                )
            else:
                report.department = department
        if len(row.name or "") > Invitation._meta.get_field("name").max_length:
            report.errors.setdefault("name", []).append(_("The name is too long."))
        reports.append(report)

    emails = [r.email for r in reports if r.email and "email" not in r.errors]
    members: set[str] = set()
    pending: set[str] = set()
    now = timezone.now()
    for chunk in _chunks(emails):
        members.update(
            e.lower()
            for e in Membership.objects.for_org(organization)
            .filter(is_active=True, user__email__in=chunk)
            .values_list("user__email", flat=True)
        )
        pending.update(
            e.lower()
            for e in Invitation.objects.for_org(organization)
            .filter(
                email__in=chunk,
                accepted_at__isnull=True,
                revoked_at__isnull=True,
                expires_at__gt=now,
            )
            .values_list("email", flat=True)
        )
    for report in reports:
        if "email" in report.errors or not report.email:
            continue
        if report.email in members:
            report.errors.setdefault("email", []).append(_("Already a member."))
        elif report.email in pending:
            report.errors.setdefault("email", []).append(_("Already invited (still pending)."))
    return reports


def _invitation_expiry() -> Any:
    return timezone.now() + timedelta(days=settings.INVITATION_TTL_DAYS)


def _enqueue_invitation_emails(
    *, organization: Organization, invitations: list[Invitation]
) -> None:
    from . import tasks

    ids = [inv.pk for inv in invitations]
    if not ids:
        return
    if len(ids) == 1:
        transaction.on_commit(lambda: tasks.invitation_send.delay(ids[0], organization.pk))
    else:
        transaction.on_commit(lambda: tasks.bulk_invitations_send.delay(ids, organization.pk))


@transaction.atomic
def invitations_create(
    *, organization: Organization, actor: User, rows: list[InvitationRow]
) -> list[Invitation]:
    """Invite everyone in ``rows``, or nobody: one bad row stops the whole batch."""
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
                invited_by=actor,
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
                actor=actor,
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
    organization: Organization,
    actor: User,
    email: str,
    role: str = Role.EMPLOYEE,
    department: Department | None = None,
    name: str = "",
) -> Invitation:
    """Invite one person; errors come back keyed by field."""
    row = InvitationRow(email=email, role=role, department=department, name=name)
    try:
        return invitations_create(organization=organization, actor=actor, rows=[row])[0]
    except InvitationRowsInvalid as exc:
        raise ValidationError(exc.reports[0].errors) from exc


def invitation_rows_from_text(
    *, text: str, role: str, department: Department | None
) -> list[InvitationRow]:
    """Addresses pasted in a box, separated by new lines, commas, semicolons or spaces."""
    parts = [p for p in re.split(r"[\s,;]+", text or "") if p]
    return [
        InvitationRow(email=p, role=role, department=department, line=i)
        for i, p in enumerate(parts, start=1)
    ]


CSV_COLUMNS = ("email", "role", "department", "name")


def invitation_rows_from_csv(data: bytes) -> list[InvitationRow]:
    """Rows of an uploaded CSV (UTF-8, comma or semicolon separated, a header line with at
    least ``email``). Problems with the file as a whole raise a ValidationError."""
    if not data or not data.strip():
        raise ValidationError(_("The file is empty."))
    if len(data) > CSV_MAX_BYTES:
        raise ValidationError(
            _("The file is too large (at most %(mb)d MB).") % {"mb": CSV_MAX_BYTES // 2**20}
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(
            _("The file is not UTF-8 text. Save it as “CSV UTF-8” and upload it again.")
        ) from exc
    if "\x00" in text:
        raise ValidationError(_("The file is not a CSV text file."))
    first_line = text.splitlines()[0] if text.splitlines() else ""
    delimiter = max(",;\t", key=first_line.count) if first_line else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        raise ValidationError(_("The file is empty.")) from exc
    columns = [h.strip().lower().replace("e-mail", "email") for h in header]
    if "email" not in columns:
        raise ValidationError(
            _("The first line must name the columns; an “email” column is required (%(cols)s).")
            % {"cols": ", ".join(CSV_COLUMNS)}
        )
    index = {c: columns.index(c) for c in CSV_COLUMNS if c in columns}
    rows: list[InvitationRow] = []
    try:
        for values in reader:
            if not any(v.strip() for v in values):
                continue

            def cell(col: str, values: list[str] = values) -> str:
                i = index.get(col)
                return values[i].strip() if i is not None and i < len(values) else ""

            rows.append(
                InvitationRow(
                    email=cell("email"),
                    role=cell("role") or Role.EMPLOYEE,
                    department_name=cell("department"),
                    name=cell("name"),
                    line=reader.line_num,
                )
            )
            if len(rows) > MAX_INVITATION_ROWS:
                raise ValidationError(
                    _("At most %(n)d rows per file.") % {"n": MAX_INVITATION_ROWS}
                )
    except csv.Error as exc:
        raise ValidationError(
            _("The file could not be read as CSV (line %(line)d).") % {"line": reader.line_num}
        ) from exc
    if not rows:
        raise ValidationError(_("The file has a header but no rows."))
    return rows


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
    """``pending``, ``expired``, ``revoked`` or ``used``."""
    if invitation.accepted_at is not None:
        return "used"
    if invitation.revoked_at is not None:
        return "revoked"
    if invitation.expires_at <= timezone.now():
        return "expired"
    return "pending"


@transaction.atomic
def invitation_revoke(
    *, organization: Organization, actor: User, invitation: Invitation
) -> Invitation:
    _check_same_org(organization, invitation)
    invitation = Invitation.objects.for_org(organization).select_for_update().get(pk=invitation.pk)
    status = invitation_status(invitation)
    if status == "used":
        raise ValidationError(_("This invitation has already been accepted."))
    if status == "revoked":
        return invitation
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit_log_record(
        organization=organization,
        actor=actor,
        action="invitation.revoked",
        target=invitation,
        data={"email": invitation.email},
    )
    return invitation


@transaction.atomic
def invitation_resend(
    *, organization: Organization, actor: User, invitation: Invitation
) -> Invitation:
    """Send again with a new link and a new expiry; the old link stops working."""
    _check_same_org(organization, invitation)
    invitation = Invitation.objects.for_org(organization).select_for_update().get(pk=invitation.pk)
    status = invitation_status(invitation)
    if status == "used":
        raise ValidationError(_("This invitation has already been accepted."))
    if status == "revoked":
        raise ValidationError(_("This invitation was revoked; invite the person again."))
    if (
        Membership.objects.for_org(organization)
        .filter(is_active=True, user__email__iexact=invitation.email)
        .exists()
    ):
        raise ValidationError(_("This person is already a member."))
    invitation.expires_at = _invitation_expiry()
    invitation.save(update_fields=["expires_at"])
    audit_log_record(
        organization=organization,
        actor=actor,
        action="invitation.resent",
        target=invitation,
        data={"email": invitation.email},
    )
    _enqueue_invitation_emails(organization=organization, invitations=[invitation])
    return invitation


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
