"""Accepting an invitation: new user, existing user, wrong user, and every closed state."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from allauth.account.models import EmailAddress
from django.utils import timezone

from advocacy import services
from advocacy.models import AuditLogEntry, Invitation, Membership, Role, User
from tests.factories import UserFactory


def _token(invitation: Invitation) -> str:
    return services.invitation_token_issue(invitation=invitation)


def _url(raw: str) -> str:
    return f"/invite/{raw}/"


def _fresh(t, email="newbie@example.com", **kw):
    inv = services.invitation_create(actor=t.members["admin"], email=email, **kw)
    return inv, _token(inv)


def test_new_user_creates_an_account_and_joins(world, client):
    t = world.a
    inv, raw = _fresh(t, role=Role.MANAGER, department=t.department, name="Nauja Narė")
    resp = client.get(_url(raw))
    assert resp.status_code == 200
    assert "Nauja Narė" in resp.content.decode()  # the name is prefilled

    resp = client.post(_url(raw), {"name": "Nauja", "password1": "x", "password2": "y"})
    assert resp.status_code == 400
    assert "differ" in resp.content.decode()
    resp = client.post(
        _url(raw), {"name": "Nauja", "password1": "12345678", "password2": "12345678"}
    )
    assert resp.status_code == 400
    assert not User.objects.filter(email="newbie@example.com").exists()

    good = "a-long enough passphrase 42"
    resp = client.post(_url(raw), {"name": "Nauja", "password1": good, "password2": good})
    assert resp.status_code == 302
    assert resp["Location"] == f"/o/{t.org.slug}/"
    user = User.objects.get(email="newbie@example.com")
    assert user.name == "Nauja" and user.check_password(good)
    assert EmailAddress.objects.get(user=user).verified
    m = Membership.objects.get(organization=t.org, user=user)
    assert (m.role, m.department, m.is_active) == (Role.MANAGER, t.department, True)
    inv.refresh_from_db()
    assert inv.accepted_at is not None and inv.accepted_by == user
    assert client.get(f"/o/{t.org.slug}/").status_code == 200  # signed in
    actions = set(AuditLogEntry.objects.for_org(t.org).values_list("action", flat=True))
    assert {"invitation.accepted", "membership.created"} <= actions


def test_existing_user_signs_in_then_joins(world, client, password):
    t = world.a
    person = UserFactory.create(email="known@example.com")
    _inv, raw = _fresh(t, email="known@example.com")
    resp = client.get(_url(raw))
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "/accounts/login/?next=" in html
    assert client.session["invitation_token"] == raw
    assert not User.objects.filter(email="known@example.com").exclude(pk=person.pk).exists()

    resp = client.post("/accounts/login/", {"login": "known@example.com", "password": password})
    assert resp.status_code == 302
    assert resp["Location"] == _url(raw)
    resp = client.get(_url(raw))
    assert resp.status_code == 200
    assert "Join Acme" in resp.content.decode()
    resp = client.post(_url(raw))
    assert resp.status_code == 302 and resp["Location"] == f"/o/{t.org.slug}/"
    assert Membership.objects.get(organization=t.org, user=person).role == Role.EMPLOYEE
    assert "invitation_token" not in client.session


def test_signed_in_user_with_another_address_is_refused(world, client):
    t = world.a
    inv, raw = _fresh(t)
    client.force_login(world.b.admin)
    resp = client.get(_url(raw))
    assert resp.status_code == 403
    assert "newbie@example.com" in resp.content.decode()
    assert client.post(_url(raw)).status_code == 403
    assert not Membership.objects.filter(organization=t.org, user=world.b.admin).exists()
    inv.refresh_from_db()
    assert inv.accepted_at is None


def test_a_verified_secondary_address_counts_as_the_users(world, client):
    t = world.a
    person = UserFactory.create(email="main@example.com")
    EmailAddress.objects.create(user=person, email="alias@example.com", verified=True)
    _inv, raw = _fresh(t, email="alias@example.com")
    client.force_login(person)
    assert client.post(_url(raw)).status_code == 302
    assert Membership.objects.filter(organization=t.org, user=person, is_active=True).exists()


def test_deactivated_member_is_reactivated_with_the_invitations_role(world, client):
    t = world.a
    m = t.members["employee"]
    services.member_deactivate(actor=t.members["admin"], membership=m)
    _inv, raw = _fresh(t, email=m.user.email, role=Role.HR)
    client.force_login(m.user)
    assert client.post(_url(raw)).status_code == 302
    m.refresh_from_db()
    assert m.is_active and m.role == Role.HR
    assert Membership.objects.filter(organization=t.org, user=m.user).count() == 1
    assert AuditLogEntry.objects.for_org(t.org).filter(action="membership.reactivated").exists()


def test_unknown_token_is_a_friendly_404(world, client):
    resp = client.get(_url("no-such-token"))
    assert resp.status_code == 404
    assert "not valid" in resp.content.decode()
    assert client.post(_url("no-such-token")).status_code == 404


def test_expired_invitation_is_gone(world, client):
    t = world.a
    _inv, raw = _fresh(t)
    with time_machine.travel(timezone.now() + timedelta(days=30)):
        resp = client.get(_url(raw))
        assert resp.status_code == 410
        assert "expired" in resp.content.decode()
        resp = client.post(
            _url(raw), {"name": "X", "password1": "a-long pass 42!", "password2": "a-long pass 42!"}
        )
        assert resp.status_code == 410
    assert not User.objects.filter(email="newbie@example.com").exists()


def test_revoked_invitation_is_gone(world, client):
    t = world.a
    inv, raw = _fresh(t)
    services.invitation_revoke(actor=t.members["admin"], invitation=inv)
    resp = client.get(_url(raw))
    assert resp.status_code == 410
    assert "withdrawn" in resp.content.decode()


def test_used_invitation_cannot_be_reused(world, client):
    t = world.a
    person = UserFactory.create(email="twice@example.com")
    _inv, raw = _fresh(t, email="twice@example.com")
    client.force_login(person)
    assert client.post(_url(raw)).status_code == 302
    resp = client.post(_url(raw))
    assert resp.status_code == 410
    assert "already been used" in resp.content.decode()
    assert AuditLogEntry.objects.for_org(t.org).filter(action="invitation.accepted").count() == 1
