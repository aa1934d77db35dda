"""Reminding members to accept a policy version: at most one e-mail per member, version
and day (in the organization's time zone), so a second click -- or two admins clicking at
once -- sends nothing new. The e-mails leave after the commit, from a task."""

from __future__ import annotations

import uuid
import zoneinfo
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from advocacy.models import Membership, Organization
from advocacy.services import audit_log_record

from .. import selectors
from ..models import PolicyDocument, PolicyReminder
from .access import require_capability


def _today(organization: Organization) -> date:
    try:
        zone = zoneinfo.ZoneInfo(organization.time_zone or settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    return timezone.localdate(timezone.now(), zone)


@transaction.atomic
def policy_reminders_send(*, actor: Membership, document: PolicyDocument) -> int:
    """Remind every active member who must still accept the document's current version
    and was not reminded of it today. Returns how many reminders were sent (0 when
    everyone has accepted or was reminded already)."""
    organization = actor.organization
    require_capability(actor, document.organization_id)
    version = selectors.policy_version_latest_published(document=document)
    if version is None:
        raise ValidationError({"document": [_("This document is not published.")]})
    day = _today(organization)
    pending_ids = list(
        selectors.policy_acceptances(document=document, version=version, status="pending")
        .exclude(policy_reminders__version=version, policy_reminders__day=day)
        .values_list("id", flat=True)
    )
    if not pending_ids:
        return 0
    batch = uuid.uuid4()
    # A concurrent click inserted some rows already: the constraint skips them, and the
    # batch marks exactly the rows this call made.
    PolicyReminder.objects.bulk_create(
        [
            PolicyReminder(
                organization=organization,
                membership_id=membership_id,
                version=version,
                day=day,
                batch=batch,
                sent_by=actor.user,
            )
            for membership_id in pending_ids
        ],
        ignore_conflicts=True,
    )
    reminder_ids = list(
        PolicyReminder.objects.for_org(organization)
        .filter(version=version, batch=batch)
        .values_list("id", flat=True)
    )
    if not reminder_ids:
        return 0
    audit_log_record(
        organization=organization,
        actor=actor.user,
        action="policy_reminders.sent",
        target=document,
        data={"title": document.title, "number": version.number, "count": len(reminder_ids)},
    )
    from .. import tasks

    org_id = organization.pk
    transaction.on_commit(lambda: tasks.policy_reminders_deliver.delay(reminder_ids, org_id))
    return len(reminder_ids)


def policy_reminder_emails_send(*, organization: Organization, reminder_ids: list[int]) -> int:
    """E-mail the reminders, each in its member's language, through one connection of the
    configured e-mail backend. Called by the task; the rows are the record of what was sent."""
    reminders = list(
        PolicyReminder.objects.for_org(organization)
        .filter(pk__in=reminder_ids, membership__is_active=True)
        .select_related("membership__user", "version__document", "sent_by")
    )
    messages = []
    for reminder in reminders:
        member = reminder.membership
        document = reminder.version.document
        url = settings.SITE_URL.rstrip("/") + reverse(
            "guidelines_document",
            kwargs={"org_slug": organization.slug, "document_id": document.pk},
        )
        context = {
            "member": member,
            "organization": organization,
            "document": document,
            "version": reminder.version,
            "sender": reminder.sent_by,
            "url": url,
        }
        language = member.user.language or organization.default_language or settings.LANGUAGE_CODE
        with translation.override(language):
            subject = " ".join(
                render_to_string("guidelines/email/reminder_subject.txt", context).split()
            )
            body = render_to_string("guidelines/email/reminder_body.txt", context)
        messages.append(
            EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [member.user.email])
        )
    if not messages:
        return 0
    with get_connection() as connection:
        return connection.send_messages(messages) or 0
