"""API of linked accounts: my accounts with health, disconnect, the organization's health."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from advocacy.networks import Network
from social.models import AccountStatus

from .factories import NetworkAccountFactory

pytestmark = pytest.mark.django_db


def _api(world, path: str = "") -> str:
    return f"/api/v1/orgs/{world.a.org.slug}/networks/{path}"


def test_list_shows_my_accounts_with_health_and_never_a_token(
    api_client, world, django_assert_max_num_queries
):
    mine = NetworkAccountFactory.create(user=world.a.employee, token="raw-secret-token")
    expiring = NetworkAccountFactory.create(user=world.a.employee, network=Network.INSTAGRAM)
    expiring.token_expires_at = timezone.now() + timedelta(days=2, hours=3)
    expiring.save()
    NetworkAccountFactory.create(user=world.a.admin)
    api_client.force_login(world.a.employee)

    with django_assert_max_num_queries(6):
        response = api_client.get(_api(world))

    assert response.status_code == 200
    data = {row["id"]: row for row in response.json()}
    assert set(data) == {mine.pk, expiring.pk}
    assert data[mine.pk]["health"] == "connected"
    assert data[expiring.pk]["health"] == "expiring"
    assert data[expiring.pk]["expires_in_days"] == 2
    assert data[mine.pk]["audience_size"] == 500
    text = response.content.decode()
    assert "raw-secret-token" not in text and "token_encrypted" not in text
    assert "access_token" not in text and "refresh_token" not in text


def test_disconnect_own_account(api_client, world):
    account = NetworkAccountFactory.create(user=world.a.employee)
    api_client.force_login(world.a.employee)

    response = api_client.post(_api(world, f"{account.pk}/disconnect/"))

    assert response.status_code == 200
    assert response.json()["status"] == "disconnected"
    assert response.json()["health"] == "disconnected"
    account.refresh_from_db()
    assert account.status == AccountStatus.DISCONNECTED and account.access_token_encrypted == ""


def test_another_users_account_is_a_404(api_client, world):
    other = NetworkAccountFactory.create(user=world.a.admin)
    api_client.force_login(world.a.employee)

    assert api_client.post(_api(world, f"{other.pk}/disconnect/")).status_code == 404
    assert api_client.post(_api(world, "2147483647/disconnect/")).status_code == 404
    other.refresh_from_db()
    assert other.status == AccountStatus.CONNECTED


def test_health_for_admins_only(api_client, world, django_assert_max_num_queries):
    NetworkAccountFactory.create(user=world.a.employee)
    NetworkAccountFactory.create(user=world.a.admin, status=AccountStatus.NEEDS_RECONNECT)
    NetworkAccountFactory.create(user=world.b.employee)
    api_client.force_login(world.a.admin)

    with django_assert_max_num_queries(6):
        response = api_client.get(_api(world, "health/"))

    assert response.status_code == 200
    body = response.json()
    assert body["active_members"] == 4
    linkedin = next(r for r in body["networks"] if r["network"] == "linkedin")
    assert linkedin["connected_members"] == 1
    assert linkedin["needs_reconnect_members"] == 1

    api_client.force_login(world.a.employee)
    assert api_client.get(_api(world, "health/")).status_code == 403


def test_non_members_get_404(api_client, world):
    api_client.force_login(world.b.employee)
    assert api_client.get(_api(world)).status_code == 404
