"""Connecting networks through allauth's real views against the sandbox, over HTTP."""

from __future__ import annotations

from datetime import timedelta

import pytest
import requests
from allauth.socialaccount.models import SocialAccount, SocialToken
from django.urls import reverse
from django.utils import timezone

from advocacy.models import User
from advocacy.networks import Network
from social.models import AccountKind, AccountStatus, NetworkAccount

from .accounts_support import connect_through_allauth, messages_of, oauth_sandbox_fixture  # noqa: F401
from .factories import ShareFactory

pytestmark = pytest.mark.django_db


def _mine(world) -> str:
    return reverse("networks_mine", kwargs={"org_slug": world.a.org.slug})


def _signed_in(client, user):
    client.force_login(user)
    return client


def test_linkedin_connect_stores_encrypted_tokens_and_only_links(client, world, oauth_sandbox):
    employee = world.a.employee
    _signed_in(client, employee)
    users_before = User.objects.count()

    response = connect_through_allauth(
        client, oauth_sandbox, "linkedin", next_url=_mine(world), profile_id="sbxAda01"
    )

    assert response.status_code == 302
    assert response["Location"] == _mine(world)
    assert messages_of(response) == ["LinkedIn connected: Ada Lovelace."]
    account = NetworkAccount.objects.get(user=employee, network=Network.LINKEDIN)
    assert account.external_id == "sbxAda01"
    assert account.kind == AccountKind.MEMBER
    assert account.display_name == "Ada Lovelace"
    assert account.status == AccountStatus.CONNECTED
    assert account.extra["author_urn"] == "urn:li:person:sbxAda01"
    assert set(account.scopes) == {
        "openid",
        "profile",
        "email",
        "w_member_social",
        "r_member_postAnalytics",
    }
    assert account.audience_size is None  # LinkedIn reports no audience to these scopes
    assert account.token_expires_at is not None
    assert timedelta(days=59) < account.token_expires_at - timezone.now() <= timedelta(days=60)
    # Encrypted at rest: the column is not the token, and the token works on the network.
    raw = account.access_token
    assert raw and raw not in account.access_token_encrypted
    stored = NetworkAccount.objects.filter(pk=account.pk).values_list(
        "access_token_encrypted", flat=True
    )[0]
    assert raw not in stored
    userinfo = requests.get(
        f"{oauth_sandbox.bases['LINKEDIN_API_BASE']}/v2/userinfo",
        headers={"Authorization": f"Bearer {raw}"},
        timeout=10,
    )
    assert userinfo.json()["sub"] == "sbxAda01"
    # allauth keeps the link only: no plain-text token, no new user, still the same person.
    assert SocialToken.objects.count() == 0
    assert SocialAccount.objects.get(provider="linkedin").user == employee
    assert User.objects.count() == users_before
    assert int(client.session["_auth_user_id"]) == employee.pk


def test_instagram_connect_keeps_the_long_lived_token_and_the_audience(
    client, world, oauth_sandbox
):
    _signed_in(client, world.a.employee)

    response = connect_through_allauth(
        client, oauth_sandbox, "instagram", next_url=_mine(world), profile_id="17841400000000012"
    )

    assert messages_of(response) == ["Instagram connected: Grace Hopper."]
    account = NetworkAccount.objects.get(user=world.a.employee, network=Network.INSTAGRAM)
    assert account.kind == AccountKind.PROFESSIONAL
    assert account.external_id == "17841400000000012"
    assert account.audience_size == 52000
    assert account.audience_updated_at is not None
    assert account.extra["username"] == "grace.ships"
    token = oauth_sandbox.admin("GET", f"tokens/{account.access_token}")
    assert token["kind"] == "long"  # exchanged at once for the 60-day token
    assert account.token_expires_at is not None
    assert timedelta(days=59) < account.token_expires_at - timezone.now() <= timedelta(days=60)
    assert "instagram_business_content_publish" in account.scopes
    assert account.access_token not in account.access_token_encrypted


def test_facebook_connect_makes_one_account_per_managed_page(client, world, oauth_sandbox):
    _signed_in(client, world.a.employee)

    response = connect_through_allauth(
        client, oauth_sandbox, "facebook", next_url=_mine(world), profile_id="10000000000000022"
    )

    assert messages_of(response) == [
        "Facebook connected: Acme Corporation, COBOL Appreciation Society."
    ]
    pages = {
        a.external_id: a
        for a in NetworkAccount.objects.filter(user=world.a.employee, network=Network.FACEBOOK)
    }
    assert set(pages) == {"100000000000102", "100000000000103"}
    acme = pages["100000000000102"]
    assert acme.kind == AccountKind.PAGE
    assert acme.audience_size == 48000
    assert acme.token_expires_at is None  # from a long-lived user token: does not expire
    assert acme.extra["user_id"] == "10000000000000022"
    token = oauth_sandbox.admin("GET", f"tokens/{acme.access_token}")
    assert token["kind"] == "page" and token["page_id"] == "100000000000102"
    assert acme.access_token not in acme.access_token_encrypted
    assert pages["100000000000103"].access_token != acme.access_token


def test_facebook_without_pages_connects_nothing_and_says_why(client, world, oauth_sandbox):
    _signed_in(client, world.a.employee)

    response = connect_through_allauth(
        client, oauth_sandbox, "facebook", next_url=_mine(world), profile_id="10000000000000023"
    )

    assert response["Location"] == _mine(world)
    assert "found no account Chorus can post to" in messages_of(response)[0]
    assert not NetworkAccount.objects.exists()
    assert not SocialAccount.objects.exists()


def test_reconnecting_keeps_the_row_and_its_shares(client, world, oauth_sandbox):
    membership = world.a.members["employee"]
    _signed_in(client, membership.user)
    connect_through_allauth(client, oauth_sandbox, "linkedin", next_url=_mine(world))
    account = NetworkAccount.objects.get(user=membership.user)
    share = ShareFactory.create(membership=membership, account=account)
    first_token = account.access_token

    client.post(
        reverse(
            "network_account_disconnect",
            kwargs={"org_slug": world.a.org.slug, "account_id": account.pk},
        )
    )
    account.refresh_from_db()
    assert account.status == AccountStatus.DISCONNECTED
    assert account.access_token_encrypted == "" and account.token_expires_at is None

    response = connect_through_allauth(client, oauth_sandbox, "linkedin", next_url=_mine(world))

    assert messages_of(response)[-1] == "LinkedIn connected: Ada Lovelace."
    assert NetworkAccount.objects.filter(user=membership.user).count() == 1
    account.refresh_from_db()
    assert account.status == AccountStatus.CONNECTED
    assert account.access_token and account.access_token != first_token
    share.refresh_from_db()
    assert share.account_id == account.pk


def test_reconnecting_without_disconnecting_updates_the_same_row(client, world, oauth_sandbox):
    _signed_in(client, world.a.employee)
    connect_through_allauth(client, oauth_sandbox, "instagram", next_url=_mine(world))
    account = NetworkAccount.objects.get()
    NetworkAccount.objects.filter(pk=account.pk).update(
        status=AccountStatus.NEEDS_RECONNECT, status_reason="revoked"
    )

    connect_through_allauth(client, oauth_sandbox, "instagram", next_url=_mine(world))

    assert NetworkAccount.objects.get().pk == account.pk
    account.refresh_from_db()
    assert account.status == AccountStatus.CONNECTED and account.status_reason == ""
    assert SocialAccount.objects.count() == 1


def test_reconnecting_as_a_different_account_is_refused_not_added(client, world, oauth_sandbox):
    membership = world.a.members["employee"]
    _signed_in(client, membership.user)
    connect_through_allauth(client, oauth_sandbox, "linkedin", next_url=_mine(world))
    account = NetworkAccount.objects.get(user=membership.user)
    assert account.display_name == "Ada Lovelace"
    NetworkAccount.objects.filter(pk=account.pk).update(status=AccountStatus.NEEDS_RECONNECT)
    grace = oauth_sandbox.admin("GET", "profiles")["linkedin"][1]

    response = connect_through_allauth(
        client, oauth_sandbox, "linkedin", next_url=_mine(world), profile_id=grace["id"]
    )

    assert messages_of(response)[-1] == (
        "LinkedIn came back with a different account than the one connected to Chorus "
        "(Ada Lovelace), so nothing was changed. To reconnect, sign in to LinkedIn as "
        "Ada Lovelace and try again; to use another account, disconnect Ada Lovelace first."
    )
    assert list(NetworkAccount.objects.filter(user=membership.user)) == [account]
    account.refresh_from_db()
    assert account.status == AccountStatus.NEEDS_RECONNECT
    assert SocialAccount.objects.filter(uid=grace["id"]).count() == 0
    # After disconnecting, another account may be connected.
    client.post(
        reverse(
            "network_account_disconnect",
            kwargs={"org_slug": world.a.org.slug, "account_id": account.pk},
        )
    )
    response = connect_through_allauth(
        client, oauth_sandbox, "linkedin", next_url=_mine(world), profile_id=grace["id"]
    )
    assert messages_of(response)[-1] == f"LinkedIn connected: {grace['name']}."


def test_denied_authorization_returns_with_a_friendly_message(client, world, oauth_sandbox):
    _signed_in(client, world.a.employee)

    response = connect_through_allauth(
        client, oauth_sandbox, "linkedin", next_url=_mine(world), decision="deny"
    )

    assert response.status_code == 302
    assert response["Location"] == _mine(world)
    assert messages_of(response) == ["You cancelled connecting LinkedIn. Nothing was changed."]
    assert not NetworkAccount.objects.exists()


@pytest.mark.parametrize("network", ["instagram", "facebook"])
def test_denied_meta_authorizations_are_friendly_too(client, world, oauth_sandbox, network):
    _signed_in(client, world.a.employee)

    response = connect_through_allauth(
        client, oauth_sandbox, network, next_url=_mine(world), decision="deny"
    )

    assert response["Location"] == _mine(world)
    assert messages_of(response)[0].startswith("You cancelled connecting")
    assert not NetworkAccount.objects.exists()


def test_a_network_login_never_signs_anyone_in_or_creates_a_user(client, world, oauth_sandbox):
    users_before = User.objects.count()

    response = connect_through_allauth(
        client, oauth_sandbox, "linkedin", next_url="/", process="login"
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("account_login")
    assert "Signing in with LinkedIn is not offered" in messages_of(response)[0]
    assert "_auth_user_id" not in client.session
    assert User.objects.count() == users_before
    assert not NetworkAccount.objects.exists() and not SocialAccount.objects.exists()


def test_a_login_process_by_a_signed_in_member_does_not_switch_users(client, world, oauth_sandbox):
    # Ada's LinkedIn belongs to the admin; the employee tries a *login* with it.
    _signed_in(client, world.a.admin)
    connect_through_allauth(client, oauth_sandbox, "linkedin", next_url=_mine(world))
    client.logout()
    _signed_in(client, world.a.employee)

    connect_through_allauth(
        client, oauth_sandbox, "linkedin", next_url=_mine(world), process="login"
    )

    assert int(client.session["_auth_user_id"]) == world.a.employee.pk
    assert not NetworkAccount.objects.filter(user=world.a.employee).exists()


def test_an_account_linked_to_someone_else_is_refused(client, world, oauth_sandbox):
    _signed_in(client, world.a.admin)
    connect_through_allauth(client, oauth_sandbox, "linkedin", next_url=_mine(world))
    admins = NetworkAccount.objects.get(user=world.a.admin)
    client.logout()
    _signed_in(client, world.a.employee)

    response = connect_through_allauth(client, oauth_sandbox, "linkedin", next_url=_mine(world))

    assert "already connected to another Chorus user" in messages_of(response)[0]
    assert not NetworkAccount.objects.filter(user=world.a.employee).exists()
    admins.refresh_from_db()
    assert admins.status == AccountStatus.CONNECTED
    assert SocialAccount.objects.get(provider="linkedin").user == world.a.admin


def test_sign_in_pages_offer_no_network_buttons(client, db):
    for name in ("account_login", "account_signup"):
        body = client.get(reverse(name)).content.decode()
        assert "/accounts/oidc/linkedin/" not in body
        assert "/accounts/instagram/" not in body
        assert "/accounts/facebook/" not in body
