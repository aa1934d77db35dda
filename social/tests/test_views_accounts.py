"""My networks, disconnect, and the admins' connection health with the network policy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from advocacy.models import AuditLogEntry
from advocacy.networks import Network
from social.connectors.base import RateLimited, ReauthRequired, Transient
from social.connectors.error_counts import error_count_record
from social.models import AccountKind, AccountStatus, NetworkAccount, NetworkPolicy
from social.selectors.accounts import network_health_for_org
from tests.factories import MembershipFactory

from .factories import NetworkAccountFactory, ShareFactory

pytestmark = pytest.mark.django_db


def _url(name: str, world, **kwargs) -> str:
    return reverse(name, kwargs={"org_slug": world.a.org.slug, **kwargs})


def _expiring(account: NetworkAccount, days: float) -> NetworkAccount:
    account.token_expires_at = timezone.now() + timedelta(days=days)
    account.save()
    return account


def test_my_networks_lists_accounts_with_their_health(client, world, django_assert_max_num_queries):
    user = world.a.employee
    NetworkAccountFactory.create(user=user, network=Network.LINKEDIN, display_name="Ada L.")
    _expiring(
        NetworkAccountFactory.create(
            user=user, network=Network.INSTAGRAM, display_name="ada.builds"
        ),
        3.5,
    )
    NetworkAccountFactory.create(
        user=user,
        network=Network.FACEBOOK,
        kind=AccountKind.PAGE,
        display_name="Bakery",
        status=AccountStatus.NEEDS_RECONNECT,
    )
    NetworkAccountFactory.create(user=world.a.admin, display_name="Someone Else")
    client.force_login(user)

    with django_assert_max_num_queries(12):
        body = client.get(_url("networks_mine", world)).content.decode()

    assert "Ada L." in body and "ada.builds" in body and "Bakery" in body
    assert "Someone Else" not in body
    assert 'data-health="connected"' in body
    assert "Expires in 3 days" in body
    assert 'data-health="needs_reconnect"' in body
    assert 'data-testid="networks-attention"' in body  # the banner
    assert 'name="process" value="connect"' in body
    assert "Reconnect LinkedIn" in body and "Connect" in body
    assert 'data-network="facebook_profile"' in body and 'data-network="x"' in body


def test_restricted_networks_are_hidden_and_required_ones_flagged(client, world):
    NetworkPolicy.objects.create(organization=world.a.org, network=Network.INSTAGRAM, allowed=False)
    NetworkPolicy.objects.create(organization=world.a.org, network=Network.LINKEDIN, required=True)
    client.force_login(world.a.employee)

    body = client.get(_url("networks_mine", world)).content.decode()

    assert 'data-network="instagram"' not in body
    assert "Connect LinkedIn" in body and "Required by your organization" in body
    assert "Please connect this network." in body
    # The other organization's policy is its own.
    client.force_login(world.b.employee)
    other = client.get(reverse("networks_mine", kwargs={"org_slug": world.b.org.slug}))
    assert 'data-network="instagram"' in other.content.decode()


def test_disconnect_wipes_tokens_and_keeps_shares(client, world):
    membership = world.a.members["employee"]
    account = NetworkAccountFactory.create(user=membership.user)
    share = ShareFactory.create(membership=membership, account=account)
    client.force_login(membership.user)

    response = client.post(_url("network_account_disconnect", world, account_id=account.pk))

    assert response.status_code == 302
    account.refresh_from_db()
    assert account.status == AccountStatus.DISCONNECTED
    assert account.access_token_encrypted == account.refresh_token_encrypted == ""
    assert account.token_expires_at is None
    share.refresh_from_db()
    assert share.account_id == account.pk
    body = client.get(_url("networks_mine", world)).content.decode()
    assert 'data-health="disconnected"' in body


def test_disconnecting_someone_elses_account_is_a_404(client, world):
    other = NetworkAccountFactory.create(user=world.a.admin)
    client.force_login(world.a.employee)

    assert (
        client.post(_url("network_account_disconnect", world, account_id=other.pk)).status_code
        == 404
    )
    assert (
        client.get(_url("network_account_disconnect", world, account_id=other.pk)).status_code
        == 405
    )
    other.refresh_from_db()
    assert other.status == AccountStatus.CONNECTED and other.access_token


def test_health_counts_this_organizations_active_members_only(
    client, world, django_assert_max_num_queries
):
    a = world.a.members
    NetworkAccountFactory.create(user=a["employee"].user)  # connected
    NetworkAccountFactory.create(user=a["manager"].user)  # connected
    NetworkAccountFactory.create(user=a["manager"].user, external_id="second")  # same member again
    NetworkAccountFactory.create(user=a["hr"].user, status=AccountStatus.NEEDS_RECONNECT)
    _expiring(NetworkAccountFactory.create(user=a["admin"].user), 2)  # connected and expiring
    _expiring(
        NetworkAccountFactory.create(user=a["admin"].user, network=Network.INSTAGRAM), -1
    )  # lapsed
    NetworkAccountFactory.create(user=world.b.employee)  # another organization's member
    gone = MembershipFactory.create(organization=world.a.org, is_active=False)
    NetworkAccountFactory.create(user=gone.user)  # not an active member
    client.force_login(world.a.admin)

    with django_assert_max_num_queries(12):
        response = client.get(_url("networks_health", world))

    assert response.status_code == 200
    health = network_health_for_org(organization=world.a.org)
    rows = {r.network: r for r in health["networks"]}
    assert health["active_members"] == 4
    assert rows["linkedin"].connected_members == 3
    assert rows["linkedin"].needs_reconnect_members == 1
    assert rows["linkedin"].expiring_members == 1
    assert rows["instagram"].connected_members == 0
    assert rows["instagram"].needs_reconnect_members == 1
    body = response.content.decode()
    assert '<td data-col="connected">3</td>' in body
    assert '<td data-col="needs_reconnect">1</td>' in body


def test_health_needs_the_manage_networks_capability(client, world):
    client.force_login(world.a.members["manager"].user)
    assert client.get(_url("networks_health", world)).status_code == 403


def test_policy_form_saves_and_audits(client, world):
    client.force_login(world.a.admin)

    response = client.post(
        _url("networks_health", world),
        {"linkedin_allowed": "on", "linkedin_required": "on", "facebook_allowed": "on"},
    )

    assert response.status_code == 302
    policies = {p.network: p for p in NetworkPolicy.objects.for_org(world.a.org)}
    assert policies["linkedin"].required and policies["linkedin"].allowed
    assert not policies["instagram"].allowed
    assert policies["facebook"].allowed and not policies["facebook"].required
    entries = AuditLogEntry.objects.filter(organization=world.a.org, action="network_policy.update")
    assert entries.count() == 3
    assert not NetworkPolicy.objects.for_org(world.b.org).exists()

    # Saving the same policy again changes (and logs) nothing.
    client.post(
        _url("networks_health", world),
        {"linkedin_allowed": "on", "linkedin_required": "on", "facebook_allowed": "on"},
    )
    assert entries.count() == 3


def test_policy_cannot_require_a_network_it_does_not_allow(client, world):
    client.force_login(world.a.admin)

    response = client.post(_url("networks_health", world), {"instagram_required": "on"})

    assert response.status_code == 400
    assert "cannot be required" in response.content.decode()
    assert not NetworkPolicy.objects.exists()


def test_navigation_offers_my_networks_to_everyone_and_health_to_admins(client, world):
    client.force_login(world.a.employee)
    body = client.get(_url("networks_mine", world)).content.decode()
    assert _url("networks_mine", world) in body
    assert _url("networks_health", world) not in body
    client.force_login(world.a.admin)
    body = client.get(_url("networks_mine", world)).content.decode()
    assert _url("networks_health", world) in body


def test_health_shows_each_networks_errors_of_the_last_24_hours_and_the_last_error(
    client, world, django_assert_max_num_queries
):
    cache.clear()
    now = datetime.now(UTC)
    # What the connectors' HTTP client records for every error it raises.
    error_count_record("linkedin", Transient("LinkedIn broke"), now=now - timedelta(hours=25))
    error_count_record("linkedin", Transient("LinkedIn broke"), now=now - timedelta(hours=3))
    error_count_record("linkedin", RateLimited("slow down", retry_after=60), now=now)
    error_count_record(
        "instagram", ReauthRequired("Secret caption of another org"), now=now - timedelta(hours=1)
    )
    client.force_login(world.a.admin)

    with django_assert_max_num_queries(12):
        response = client.get(_url("networks_health", world))

    rows = {r.network: r for r in network_health_for_org(organization=world.a.org)["networks"]}
    assert rows["linkedin"].errors_24h == 2  # the one 25 hours ago is out of the window
    assert rows["linkedin"].last_error == "Rate limited"
    assert rows["instagram"].errors_24h == 1
    assert rows["instagram"].last_error == "Reconnection required"
    assert rows["facebook"].errors_24h == 0 and rows["facebook"].last_error == ""
    body = response.content.decode()
    assert '<td data-col="errors">2</td>' in body
    assert "Rate limited" in body and "Reconnection required" in body
    assert "Secret caption" not in body  # messages are never shown (they may quote a post)
    api = client.get(f"/api/v1/orgs/{world.a.org.slug}/networks/health/").json()
    api_rows = {r["network"]: r for r in api["networks"]}
    assert api_rows["linkedin"]["errors_24h"] == 2
    assert api_rows["linkedin"]["last_error"] == "Rate limited"
    cache.clear()
