"""Invitation services: create (one, a batch all or none), revoke, resend, expire."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from advocacy import services
from advocacy.models import AuditLogEntry, Invitation, Role
from tests.factories import MembershipFactory


def _invite(t, email="new.person@example.com", **kw):
    return services.invitation_create(actor=t.members["admin"], email=email, **kw)


def test_invitation_create_stores_only_a_digest_and_expires_after_ttl(world, settings):
    settings.INVITATION_TTL_DAYS = 3
    t = world.a
    inv = _invite(t, email=" New.Person@Example.com ", role=Role.MANAGER, department=t.department)
    assert inv.email == "new.person@example.com"
    assert len(inv.token_hash) == 64
    assert timedelta(days=2, hours=23) < inv.expires_at - timezone.now() <= timedelta(days=3)
    entry = AuditLogEntry.objects.for_org(t.org).get(action="invitation.created")
    assert entry.target_id == str(inv.pk) and entry.actor == t.admin
    assert entry.data["email"] == "new.person@example.com"


@pytest.mark.parametrize(
    ("email", "field", "text"),
    [
        ("not-an-address", "email", "not a valid e-mail"),
        ("admin.a@example.com", "email", "Already a member"),
        ("same@example.com", "email", "Already invited"),
    ],
)
def test_invitation_create_refusals(world, email, field, text):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        _invite(world.a, email=email)
    assert text in " ".join(exc.value.message_dict[field])


def test_foreign_department_and_unknown_role_are_refused(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        _invite(world.a, department=world.b.department, role="boss")
    assert set(exc.value.message_dict) == {"department", "role"}
    assert not Invitation.objects.for_org(world.a.org).filter(email="new.person@example.com")


def test_a_deactivated_member_can_be_invited_again(world):
    m = world.a.members["employee"]
    m.is_active = False
    m.save()
    assert _invite(world.a, email=m.user.email).pk


def test_expired_invitation_does_not_block_a_new_one(world):
    t = world.a
    t.invitation.expires_at = timezone.now() - timedelta(days=1)
    t.invitation.save()
    assert _invite(t, email="same@example.com").pk


def test_batch_is_all_or_nothing_with_a_report_per_row(world):
    t = world.a
    rows = [
        services.InvitationRow(email="ok@example.com", line=2),
        services.InvitationRow(email="ok@example.com", line=3),
        services.InvitationRow(email="broken", line=4),
        services.InvitationRow(email="x@example.com", role="chief", line=5),
        services.InvitationRow(email="y@example.com", department_name="Nowhere", line=6),
        services.InvitationRow(email="employee.a@example.com", line=7),
        services.InvitationRow(email="same@example.com", line=8),
        services.InvitationRow(email="z@example.com", department_name="sales", line=9),
    ]
    with pytest.raises(services.InvitationRowsInvalid) as exc:
        services.invitations_create(actor=t.members["admin"], rows=rows)
    report = {r.row.line: " ".join(r.messages) for r in exc.value.reports}
    assert report[2] == ""
    assert "more than once (first on line 2)" in report[3]
    assert "not a valid e-mail" in report[4]
    assert "Unknown role" in report[5]
    assert "Unknown department" in report[6]
    assert "Already a member" in report[7]
    assert "Already invited" in report[8]
    assert report[9] == ""  # department names match whatever the case
    assert Invitation.objects.for_org(t.org).count() == 1  # only the world's own


def test_revoke_and_resend_write_the_audit_log(world):
    t = world.a
    inv = _invite(t)
    old_expiry = inv.expires_at
    services.invitation_resend(actor=t.members["admin"], invitation=inv)
    inv.refresh_from_db()
    assert inv.expires_at >= old_expiry
    services.invitation_revoke(actor=t.members["admin"], invitation=inv)
    inv.refresh_from_db()
    assert inv.revoked_at is not None
    actions = set(AuditLogEntry.objects.for_org(t.org).values_list("action", flat=True))
    assert {"invitation.created", "invitation.resent", "invitation.revoked"} <= actions


def test_membership_factory_world_sanity(world):
    assert MembershipFactory._meta.model.objects.for_org(world.a.org).count() == 4


def test_invitations_expire_marks_status_and_audit_once_per_invitation(world):
    t = world.a
    now = timezone.now()
    fresh = _invite(t, email="fresh@example.com")
    for tenant in (world.a, world.b):
        tenant.invitation.expires_at = now - timedelta(hours=1)
        tenant.invitation.save()
    assert services.invitations_expire(organization=t.org, now=now) == 1
    t.invitation.refresh_from_db()
    assert t.invitation.expired_at == now
    assert services.invitation_status(t.invitation) == "expired"
    [entry] = AuditLogEntry.objects.for_org(t.org).filter(action="invitation.expired")
    assert entry.actor is None
    assert (entry.target_type, entry.target_id) == ("invitation", str(t.invitation.pk))
    assert entry.data["email"] == "same@example.com"
    # Running again changes nothing; the pending one and the other tenant's stay as they were.
    assert services.invitations_expire(organization=t.org, now=now) == 0
    assert AuditLogEntry.objects.for_org(t.org).filter(action="invitation.expired").count() == 1
    fresh.refresh_from_db()
    world.b.invitation.refresh_from_db()
    assert fresh.expired_at is None and services.invitation_status(fresh) == "pending"
    assert world.b.invitation.expired_at is None


def test_answered_invitations_do_not_expire(world):
    t = world.a
    past = timezone.now() - timedelta(days=1)
    revoked = _invite(t, email="revoked@example.com")
    services.invitation_revoke(actor=t.members["admin"], invitation=revoked)
    Invitation.objects.for_org(t.org).update(expires_at=past)
    assert services.invitations_expire(organization=t.org) == 1  # only the open one
    revoked.refresh_from_db()
    assert revoked.expired_at is None and services.invitation_status(revoked) == "revoked"


def test_resending_an_expired_invitation_makes_it_pending_again(world):
    t = world.a
    t.invitation.expires_at = timezone.now() - timedelta(days=1)
    t.invitation.save()
    services.invitations_expire(organization=t.org)
    services.invitation_resend(actor=t.members["admin"], invitation=t.invitation)
    t.invitation.refresh_from_db()
    assert t.invitation.expired_at is None
    assert services.invitation_status(t.invitation) == "pending"
