"""Token refresh ahead of expiry (against the sandbox) and expiry warnings by e-mail.

The sandbox runs in this process, so time-machine moves its clock together with ours.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from advocacy.networks import Network
from social.models import AccountStatus, NetworkAccount
from social.services.tokens import accounts_refresh_expiring
from social.tasks import accounts as tasks_accounts

from .accounts_support import connect_through_allauth, oauth_sandbox_fixture  # noqa: F401
from .factories import NetworkAccountFactory

pytestmark = pytest.mark.django_db


def test_instagram_tokens_are_refreshed_ahead_of_expiry(sandbox, world):
    connection = sandbox.connect("instagram", "ada.builds")
    account = sandbox.network_account(world.a.employee, connection)
    old_token = account.access_token

    with time_machine.travel(timezone.now() + timedelta(days=52), tick=False):
        assert sandbox.clock()["now"] >= connection.expires_at.timestamp() - 8 * 86400
        counts = tasks_accounts.accounts_refresh_expiring()
        now = timezone.now()

    assert counts == {"refreshed": 1}
    account.refresh_from_db()
    assert account.status == AccountStatus.CONNECTED
    assert account.access_token != old_token
    assert timedelta(days=59) < account.token_expires_at - now <= timedelta(days=60)
    assert account.last_refreshed_at == now
    assert sandbox.admin("GET", f"tokens/{account.access_token}")["kind"] == "long"
    assert any(
        r["route"] == "instagram.oauth.refresh" or "refresh_access_token" in r["path"]
        for r in sandbox.requests_log()
    )


def test_tokens_far_from_expiry_are_left_alone(sandbox, world):
    account = sandbox.network_account(world.a.employee, sandbox.connect("instagram"))
    before = account.access_token_encrypted

    assert accounts_refresh_expiring() == {}

    account.refresh_from_db()
    assert account.access_token_encrypted == before


def test_a_revoked_token_makes_the_account_need_reconnecting(sandbox, world):
    connection = sandbox.connect("instagram")
    account = sandbox.network_account(world.a.employee, connection)
    sandbox.revoke_token(connection.access_token)

    with time_machine.travel(timezone.now() + timedelta(days=52), tick=False):
        counts = accounts_refresh_expiring()

    assert counts == {"reconnect": 1}
    account.refresh_from_db()
    assert account.status == AccountStatus.NEEDS_RECONNECT
    assert account.status_reason


def test_a_transient_failure_is_retried_next_time(sandbox, world):
    account = sandbox.network_account(world.a.employee, sandbox.connect("instagram"))
    sandbox.fault("server_error", network="instagram", endpoint="oauth.refresh", status=503)

    with time_machine.travel(timezone.now() + timedelta(days=52), tick=False):
        assert accounts_refresh_expiring() == {"retry": 1}
        assert accounts_refresh_expiring() == {"refreshed": 1}

    account.refresh_from_db()
    assert account.status == AccountStatus.CONNECTED


def test_linkedin_without_a_refresh_token_is_warned_then_marked_when_it_lapses(sandbox, world):
    account = sandbox.network_account(world.a.employee, sandbox.connect("linkedin"))

    with time_machine.travel(timezone.now() + timedelta(days=55), tick=False):
        assert accounts_refresh_expiring() == {"warn": 1}
    account.refresh_from_db()
    assert account.status == AccountStatus.CONNECTED

    with time_machine.travel(timezone.now() + timedelta(days=61), tick=False):
        assert accounts_refresh_expiring() == {"reconnect": 1}
    account.refresh_from_db()
    assert account.status == AccountStatus.NEEDS_RECONNECT


def test_linkedin_partner_refresh_tokens_are_stored_and_used(
    client, world, oauth_sandbox, settings
):
    oauth_sandbox.admin(
        "POST",
        "apps",
        json={
            "client_id": "partner-app",
            "client_secret": "partner-secret",
            "linkedin_refresh_tokens": True,
        },
    )
    settings.LINKEDIN_CLIENT_ID, settings.LINKEDIN_CLIENT_SECRET = "partner-app", "partner-secret"
    app = settings.SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"][0]
    app.update(client_id="partner-app", secret="partner-secret")
    client.force_login(world.a.employee)
    connect_through_allauth(
        client,
        oauth_sandbox,
        "linkedin",
        next_url=reverse("networks_mine", kwargs={"org_slug": world.a.org.slug}),
    )
    account = NetworkAccount.objects.get(network=Network.LINKEDIN)
    assert account.refresh_token and account.refresh_token not in account.refresh_token_encrypted
    old = account.access_token

    with time_machine.travel(timezone.now() + timedelta(days=55), tick=False):
        assert accounts_refresh_expiring() == {"refreshed": 1}

    account.refresh_from_db()
    assert account.access_token != old
    assert account.status == AccountStatus.CONNECTED


def test_expiry_warning_is_mailed_once_per_expiry(world, mailoutbox):
    user = world.a.employee
    user.language = "lt"
    user.save()
    account = NetworkAccountFactory.create(
        user=user, network=Network.LINKEDIN, display_name="Ada L."
    )
    account.token_expires_at = timezone.now() + timedelta(days=5)
    account.save()
    NetworkAccountFactory.create(user=world.a.admin)  # 60 days left: no warning

    assert tasks_accounts.accounts_warn_expiring() == 1
    assert tasks_accounts.accounts_warn_expiring() == 0

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [user.email]
    assert "LinkedIn" in mail.subject
    assert f"/o/{world.a.org.slug}/networks/" in mail.body
    account.refresh_from_db()
    assert account.expiry_warned_at is not None

    # Reconnecting (a new expiry) arms the warning again.
    account.expiry_warned_at = None
    account.token_expires_at = timezone.now() + timedelta(days=4)
    account.save()
    assert tasks_accounts.accounts_warn_expiring() == 1


def test_refreshable_accounts_are_not_warned(world, mailoutbox):
    account = NetworkAccountFactory.create(user=world.a.employee, network=Network.INSTAGRAM)
    account.token_expires_at = timezone.now() + timedelta(days=5)
    account.save()

    assert tasks_accounts.accounts_warn_expiring() == 0
    assert mailoutbox == []


def test_the_banner_shows_on_my_networks_for_an_expiring_account(client, world):
    account = NetworkAccountFactory.create(user=world.a.employee, display_name="Ada L.")
    account.token_expires_at = timezone.now() + timedelta(days=3, hours=1)
    account.save()
    client.force_login(world.a.employee)

    body = client.get(reverse("networks_mine", kwargs={"org_slug": world.a.org.slug})).content
    text = body.decode()

    assert 'data-testid="networks-attention"' in text
    assert "Expires in 3 days" in text
