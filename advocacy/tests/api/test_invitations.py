"""Invitations API."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from advocacy.models import Invitation, Role
from advocacy.tasks import invitations_expire


def test_api_list_create_bulk_revoke(world, api_client, django_assert_max_num_queries):
    t = world.a
    base = f"/api/v1/orgs/{t.org.slug}/invitations/"
    api_client.force_login(t.admin)
    with django_assert_max_num_queries(5):
        resp = api_client.get(base)
    assert resp.status_code == 200
    assert [i["email"] for i in resp.json()["results"]] == ["same@example.com"]
    assert "token" not in str(resp.json())

    resp = api_client.post(
        base,
        {"email": "api@example.com", "role": "hr", "department": t.department.pk},
        format="json",
    )
    assert resp.status_code == 201, resp.json()
    assert resp.json()["status"] == "pending" and resp.json()["department"]["name"] == "Sales"

    resp = api_client.post(base, {"email": "nope"}, format="json")
    assert resp.status_code == 400 and "email" in resp.json()["errors"]
    resp = api_client.post(
        base, {"email": "x@example.com", "department": world.b.department.pk}, format="json"
    )
    assert resp.status_code == 400 and "department" in resp.json()["errors"]

    resp = api_client.post(
        f"{base}bulk/",
        {
            "invitations": [
                {"email": "b1@example.com"},
                {"email": "b2@example.com", "role": "manager"},
            ]
        },
        format="json",
    )
    assert resp.status_code == 201
    assert [i["email"] for i in resp.json()["invitations"]] == ["b1@example.com", "b2@example.com"]

    resp = api_client.post(
        f"{base}bulk/",
        {"invitations": [{"email": "c1@example.com"}, {"email": "b1@example.com"}]},
        format="json",
    )
    assert resp.status_code == 400
    errors = resp.json()["errors"]["invitations"]
    assert errors[0] == {} and "Already invited" in errors[1]["email"][0]
    assert not Invitation.objects.filter(email="c1@example.com").exists()

    resp = api_client.post(f"{base}{t.invitation.pk}/revoke/")
    assert resp.status_code == 200 and resp.json()["status"] == "revoked"
    assert api_client.post(f"{base}{world.b.invitation.pk}/revoke/").status_code == 404


def test_api_hr_lists_but_cannot_invite(world, api_client):
    t = world.a
    base = f"/api/v1/orgs/{t.org.slug}/invitations/"
    api_client.force_login(t.user(Role.HR))
    assert api_client.get(base).status_code == 200
    assert api_client.post(base, {"email": "x@example.com"}, format="json").status_code == 403
    api_client.force_login(t.employee)
    assert api_client.get(base).status_code == 403


def test_api_list_shows_expired_invitations_as_expired(world, api_client):
    t = world.a
    t.invitation.expires_at = timezone.now() - timedelta(days=1)
    t.invitation.save()
    api_client.force_login(t.admin)
    base = f"/api/v1/orgs/{t.org.slug}/invitations/"
    [row] = api_client.get(base).json()["results"]
    assert row["status"] == "expired" and row["expired_at"] is None  # past its date, not swept
    invitations_expire()
    [row] = api_client.get(base).json()["results"]
    assert row["status"] == "expired" and row["expired_at"] is not None
