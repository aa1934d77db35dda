"""Tasks of the core: the invitation e-mail through Celery, and the expiry sweep."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.http import HttpRequest
from django.utils import timezone
from django.utils.safestring import SafeString

from advocacy import services
from advocacy.models import AuditLogEntry, Invitation, token_hash
from advocacy.services import invitations as invitation_services
from advocacy.tasks import bulk_invitations_send, invitation_send, invitations_expire

LINK = re.compile(r"(https?://\S+/invite/([^/\s]+)/)")


@pytest.fixture
def eager_celery(settings):
    """Tasks run in-process, as ``CELERY_TASK_ALWAYS_EAGER`` makes them."""
    from advocacy.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = True
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = previous


def _invite(t, email="new.person@example.com", **kw):
    return services.invitation_create(actor=t.members["admin"], email=email, **kw)


def test_invitation_email_is_sent_by_celery_after_commit(
    world, eager_celery, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://chorus.example.org"
    t = world.a
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        inv = _invite(t, name="Rūta")
    assert len(callbacks) == 1
    [message] = mail.outbox
    assert message.to == ["new.person@example.com"]
    assert "Acme" in message.subject
    match = LINK.search(str(message.body))
    assert match, message.body
    url, raw = match.groups()
    assert url.startswith("https://chorus.example.org/invite/")
    assert "Rūta" in message.body
    inv.refresh_from_db()
    assert inv.token_hash == token_hash(raw)
    assert raw not in inv.token_hash


def test_email_is_written_in_the_organization_language(world, eager_celery):
    from django.utils import translation

    t = world.a
    t.org.default_language = "lt"
    t.org.save()
    inv = _invite(t)
    seen = []
    original = invitation_services.render_to_string

    def spy(
        template_name: Sequence[str] | str,
        context: Mapping[str, Any] | None = None,
        request: HttpRequest | None = None,
        using: str | None = None,
    ) -> SafeString:
        seen.append(translation.get_language())
        return original(template_name, context, request, using)

    invitation_services.render_to_string = spy
    try:
        invitation_send(inv.pk, t.org.pk)
    finally:
        invitation_services.render_to_string = original
    assert seen == ["lt", "lt"]
    assert len(mail.outbox) == 1


def test_bulk_send_and_resend_issue_fresh_links(
    world, eager_celery, django_capture_on_commit_callbacks
):
    t = world.a
    rows = [services.InvitationRow(email=f"b{i}@example.com") for i in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        invitations = services.invitations_create(actor=t.members["admin"], rows=rows)
    assert sorted(m.to[0] for m in mail.outbox) == [
        "b0@example.com",
        "b1@example.com",
        "b2@example.com",
    ]
    first_match = LINK.search(str(mail.outbox[0].body))
    assert first_match
    first_raw = first_match.group(2)
    inv = Invitation.objects.get(token_hash=token_hash(first_raw))
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_resend(actor=t.members["admin"], invitation=inv)
    second_match = LINK.search(str(mail.outbox[-1].body))
    assert second_match
    second_raw = second_match.group(2)
    assert second_raw != first_raw
    assert Invitation.objects.filter(token_hash=token_hash(first_raw)).count() == 0
    assert bulk_invitations_send.name == "advocacy.tasks.bulk_invitations_send"
    assert len(invitations) == 3


def test_task_refuses_a_mismatched_organization_or_a_closed_invitation(world):
    t = world.a
    assert invitation_send(t.invitation.pk, world.b.org.pk) is False
    t.invitation.revoked_at = timezone.now()
    t.invitation.save()
    assert invitation_send(t.invitation.pk, t.org.pk) is False
    assert mail.outbox == []


def test_the_expiry_sweep_expires_open_invitations_in_every_organization(world):
    past = timezone.now() - timedelta(days=1)
    for t in (world.a, world.b):
        t.invitation.expires_at = past
        t.invitation.save()
    assert invitations_expire() == 2
    for t in (world.a, world.b):
        t.invitation.refresh_from_db()
        assert t.invitation.expired_at is not None
        assert services.invitation_status(t.invitation) == "expired"
        entries = AuditLogEntry.objects.for_org(t.org).filter(action="invitation.expired")
        assert [e.target_id for e in entries] == [str(t.invitation.pk)]
    assert invitations_expire() == 0


def test_the_expiry_sweep_skips_inactive_organizations(world):
    world.b.org.is_active = False
    world.b.org.save()
    for t in (world.a, world.b):
        t.invitation.expires_at = timezone.now() - timedelta(days=1)
        t.invitation.save()
    assert invitations_expire() == 1
    world.b.invitation.refresh_from_db()
    assert world.b.invitation.expired_at is None
