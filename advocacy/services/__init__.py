"""Writes of the core, one module per feature. Every administrative change writes the
audit log (``audit``); every service that changes an organization takes the acting
``Membership`` as ``actor`` and checks its capability itself (``advocacy.permissions``).

* ``audit``: ``audit_log_record``, the one writer of the audit log for every app
* ``organizations``: creating a tenant with its first admin
* ``members``: roles, profiles, deactivation and reactivation
* ``departments``: create, rename, delete
* ``invitation_rows``: the people of a batch (typed, pasted, CSV) and their checks
* ``invitations``: invite, revoke, resend, expire, and the e-mail
* ``invitation_acceptance``: joining through an invitation
* ``tokens``: personal API tokens (user-level)

The names below are re-exported so that ``from advocacy.services import audit_log_record``
keeps working for the other apps.
"""

from .audit import audit_log_record
from .departments import department_create, department_delete, department_rename
from .invitation_acceptance import (
    invitation_accept,
    invitation_accept_as_new_user,
    invitation_email_matches,
)
from .invitation_rows import (
    CSV_COLUMNS,
    CSV_MAX_BYTES,
    MAX_INVITATION_ROWS,
    InvitationRow,
    InvitationRowReport,
    InvitationRowsInvalid,
    invitation_rows_from_csv,
    invitation_rows_from_text,
    invitation_rows_validate,
)
from .invitations import (
    invitation_create,
    invitation_email_send,
    invitation_resend,
    invitation_revoke,
    invitation_status,
    invitation_token_issue,
    invitations_create,
    invitations_expire,
)
from .members import UNCHANGED, member_deactivate, member_reactivate, member_update
from .organizations import organization_create, organization_unique_slug
from .tokens import api_token_create, api_token_revoke

__all__ = [
    "CSV_COLUMNS",
    "CSV_MAX_BYTES",
    "MAX_INVITATION_ROWS",
    "UNCHANGED",
    "InvitationRow",
    "InvitationRowReport",
    "InvitationRowsInvalid",
    "api_token_create",
    "api_token_revoke",
    "audit_log_record",
    "department_create",
    "department_delete",
    "department_rename",
    "invitation_accept",
    "invitation_accept_as_new_user",
    "invitation_create",
    "invitation_email_matches",
    "invitation_email_send",
    "invitation_resend",
    "invitation_revoke",
    "invitation_rows_from_csv",
    "invitation_rows_from_text",
    "invitation_rows_validate",
    "invitation_status",
    "invitation_token_issue",
    "invitations_create",
    "invitations_expire",
    "member_deactivate",
    "member_reactivate",
    "member_update",
    "organization_create",
    "organization_unique_slug",
]
