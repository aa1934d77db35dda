"""Accounts through allauth: sign-up with a new organization, mandatory e-mail
verification, sign-in, password reset and change, sign-out and the login rate limit."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.cache import cache

from advocacy.models import AuditLogEntry, Membership, Organization, Role, User

NEW_PASSWORD = "a-new-Password-for-2025"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """allauth keeps rate-limit counters in the cache; each test starts clean."""
    cache.clear()
    yield
    cache.clear()


def _link(message: mail.EmailMessage, pattern: str) -> str:
    match = re.search(rf"https?://[^/\s]+(\S*{pattern}\S*)", str(message.body))
    assert match, message.body
    return match.group(1)


def _signup(client, **overrides):
    data = {
        "name": "Rasa Petraitė",
        "email": "rasa@example.com",
        "password1": "Sunny-Vilnius-2025",
        "password2": "Sunny-Vilnius-2025",
        "organization_name": "Baltic Bakeries",
        "language": "lt",
        **overrides,
    }
    return client.post("/accounts/signup/", data)


@pytest.mark.django_db
def test_signup_page_asks_name_email_password_organization_and_language(client):
    resp = client.get("/accounts/signup/")
    assert resp.status_code == 200
    form = resp.context["form"]
    assert list(form.fields)[:6] == [
        "name",
        "email",
        "password1",
        "password2",
        "organization_name",
        "language",
    ]
    assert form.fields["organization_name"].required
    html = resp.content.decode()
    # allauth's page sits in our shell.
    assert 'class="skip-link"' in html
    assert 'class="auth-card"' in html
    assert '<label for="id_organization_name">' in html


@pytest.mark.django_db
def test_signup_creates_organization_with_creator_as_admin_and_verification_logs_in(client):
    resp = _signup(client)
    assert resp.status_code == 302
    assert resp["Location"] == "/accounts/confirm-email/"

    user = User.objects.get(email="rasa@example.com")
    assert user.name == "Rasa Petraitė"
    assert user.language == "lt"
    org = Organization.objects.get(name="Baltic Bakeries")
    assert org.slug == "baltic-bakeries"
    assert org.default_language == "lt"
    membership = Membership.objects.get(user=user, organization=org)
    assert membership.role == Role.ADMIN
    assert set(AuditLogEntry.objects.for_org(org).values_list("action", flat=True)) >= {
        "organization.created",
        "membership.created",
    }

    # Mandatory verification: not signed in until the link is followed.
    assert client.get(f"/o/{org.slug}/").status_code == 302
    assert not EmailAddress.objects.get(user=user).verified

    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject.startswith("[Chorus] ")
    assert "Chorus" in mail.outbox[0].body and "example.com" not in mail.outbox[0].body
    confirm_url = _link(mail.outbox[0], "/accounts/confirm-email/")
    assert client.get(confirm_url).status_code == 200
    resp = client.post(confirm_url, follow=True)
    assert EmailAddress.objects.get(user=user).verified
    assert resp.redirect_chain[-1][0] == f"/o/{org.slug}/"
    assert resp.status_code == 200
    assert resp.context["membership"].role == Role.ADMIN


@pytest.mark.django_db
def test_signup_requires_an_organization_name(client):
    resp = _signup(client, organization_name="   ")
    assert resp.status_code == 200
    assert "organization_name" in resp.context["form"].errors
    assert not User.objects.filter(email="rasa@example.com").exists()
    assert not Organization.objects.exists()


@pytest.mark.django_db
def test_signup_with_a_taken_email_creates_nothing(client, world):
    before = Organization.objects.count()
    _signup(client, email=world.a.admin.email)
    assert Organization.objects.count() == before
    assert User.objects.filter(email=world.a.admin.email).count() == 1


@pytest.mark.django_db
def test_unverified_user_cannot_sign_in(client):
    _signup(client)
    client.logout()
    mail.outbox.clear()
    resp = client.post(
        "/accounts/login/", {"login": "rasa@example.com", "password": "Sunny-Vilnius-2025"}
    )
    assert resp.status_code == 302
    assert resp["Location"] == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session
    assert len(mail.outbox) == 1  # a fresh verification link is sent


def test_verified_user_signs_in_and_lands_on_their_organization(client, world, password):
    resp = client.post(
        "/accounts/login/", {"login": world.a.employee.email, "password": password}, follow=True
    )
    assert resp.redirect_chain[-1][0] == f"/o/{world.a.org.slug}/"


def test_sign_in_page_is_in_our_shell(client, db):
    resp = client.get("/accounts/login/")
    html = resp.content.decode()
    assert resp.status_code == 200
    assert 'class="brand"' in html and 'class="auth-card"' in html
    assert '<main id="main"' in html


def test_sixth_failed_login_in_a_row_is_refused_by_the_rate_limit(client, world, password):
    email = world.a.employee.email
    for _attempt in range(5):
        resp = client.post("/accounts/login/", {"login": email, "password": "wrong"})
        assert resp.status_code == 200
        assert "Too many failed login attempts" not in resp.content.decode()
    # The sixth attempt is refused even with the right password.
    resp = client.post("/accounts/login/", {"login": email, "password": password})
    assert resp.status_code == 200
    assert "Too many failed login attempts" in resp.content.decode()
    assert "_auth_user_id" not in client.session


def test_password_reset_by_email(client, world):
    user = world.a.employee
    resp = client.post("/accounts/password/reset/", {"email": user.email})
    assert resp.status_code == 302
    assert len(mail.outbox) == 1
    reset_url = _link(mail.outbox[0], "/accounts/password/reset/key/")
    resp = client.get(reset_url, follow=True)
    assert resp.status_code == 200
    form_url = resp.redirect_chain[-1][0] if resp.redirect_chain else reset_url
    resp = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert resp.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_password_change_keeps_the_user_signed_in(client, world, password):
    user = world.a.employee
    client.force_login(user)
    resp = client.get("/accounts/password/change/")
    assert resp.status_code == 200
    assert 'class="account-nav"' in resp.content.decode()
    resp = client.post(
        "/accounts/password/change/",
        {"oldpassword": password, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert resp.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert client.get(f"/o/{world.a.org.slug}/").status_code == 200


def test_password_change_refuses_a_wrong_current_password(client, world):
    client.force_login(world.a.employee)
    resp = client.post(
        "/accounts/password/change/",
        {"oldpassword": "nope", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert resp.status_code == 200
    assert "oldpassword" in resp.context["form"].errors


def test_sign_out(client, world):
    client.force_login(world.a.employee)
    resp = client.post("/accounts/logout/")
    assert resp.status_code == 302
    assert client.get(f"/o/{world.a.org.slug}/").status_code == 302


def test_socialaccount_stays_installed_for_single_sign_on_later(settings):
    assert "allauth.socialaccount" in settings.INSTALLED_APPS
