"""The people a batch of invitations is for, as typed, pasted or read from a CSV file,
and the row-by-row check that says what is wrong with each before anyone is invited."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..models import Department, Invitation, Membership, Organization, Role

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
        if len(row.name or "") > cast(int, Invitation._meta.get_field("name").max_length):
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
                expired_at__isnull=True,
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
