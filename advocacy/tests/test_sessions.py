"""A password reset and a member's deactivation end that person's sessions (issue 12 item 20).

Real sign-ins (``Client.login`` sends ``user_logged_in``), the real allauth reset flow by
e-mail, the real session engine (``cached_db`` on Redis in CI): a revoked session is gone from
the store, and its cookie leads back to the sign-in page.
"""

from __future__ import annotations

import re
from importlib import import_module

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client

from advocacy.models import Role, UserSession
from advocacy.services.members import member_deactivate
from tests.factories import PASSWORD, MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)  # sessions end when the change commits

NEW_PASSWORD = "a-new-Password-for-2026"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """allauth counts reset requests per address in the cache; each test starts from zero."""
    from django.core.cache import cache

    cache.clear()


def _signed_in(user) -> Client:
    client = Client()
    assert client.login(email=user.email, password=PASSWORD)
    return client


def _exists(client: Client) -> bool:
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    return import_module(settings.SESSION_ENGINE).SessionStore().exists(key)


def _reset_password(user) -> None:
    anonymous = Client()
    assert anonymous.post("/accounts/password/reset/", {"email": user.email}).status_code == 302
    match = re.search(
        r"https?://[^/\s]+(\S*/accounts/password/reset/key/\S*)", str(mail.outbox[-1].body)
    )
    assert match
    resp = anonymous.get(match.group(1), follow=True)
    form_url = resp.redirect_chain[-1][0] if resp.redirect_chain else match.group(1)
    resp = anonymous.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert resp.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def _home(client: Client, slug: str) -> int:
    return client.get(f"/o/{slug}/").status_code


def test_a_password_reset_ends_every_session_of_the_person(world):
    user = world.a.employee
    laptop, phone = _signed_in(user), _signed_in(user)
    bystander = _signed_in(world.a.members[Role.MANAGER].user)
    assert _home(laptop, "acme") == _home(phone, "acme") == 200

    _reset_password(user)

    assert not _exists(laptop) and not _exists(phone)  # gone from the store, not just stale
    assert UserSession.objects.filter(user=user).count() == 0
    for client in (laptop, phone):
        resp = client.get("/o/acme/")
        assert resp.status_code == 302 and resp["Location"].startswith("/accounts/login/")
    assert _exists(bystander) and _home(bystander, "acme") == 200


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(world):
    user = world.a.employee
    here, elsewhere = _signed_in(user), _signed_in(user)
    resp = here.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert resp.status_code == 302
    assert not _exists(elsewhere)
    assert _exists(here) and _home(here, "acme") == 200
    # The session that made the change is still known, so a later reset ends it too.
    _reset_password(user)
    assert not _exists(here)


def test_deactivating_a_members_last_membership_ends_all_their_sessions(world):
    member = world.a.members[Role.EMPLOYEE]
    browser = _signed_in(member.user)
    admin = _signed_in(world.a.admin)
    resp = admin.post(f"/api/v1/orgs/acme/members/{member.pk}/deactivate/")
    assert resp.status_code == 200, resp.content
    assert not _exists(browser)
    resp = browser.get("/o/acme/")
    assert resp.status_code == 302 and resp["Location"].startswith("/accounts/login/")
    assert _exists(admin)


def test_deactivation_in_one_organization_closes_it_at_once_and_keeps_the_others(world):
    """A session is per person: the person keeps working in their other organization, and the
    deactivating one is closed to them from the very next request."""
    member = world.a.members[Role.EMPLOYEE]
    MembershipFactory.create(
        organization=world.b.org, user=member.user, role=Role.EMPLOYEE, external_id="E-x"
    )
    browser = _signed_in(member.user)
    assert _home(browser, "acme") == _home(browser, "acme-eu") == 200
    member_deactivate(actor=world.a.members[Role.ADMIN], membership=member)
    assert _home(browser, "acme") == 404
    assert _home(browser, "acme-eu") == 200
    assert _exists(browser)


def test_personal_api_tokens_survive_a_password_reset(world):
    user = world.a.employee
    api = _signed_in(user)
    created = api.post(
        "/api/v1/tokens/", {"name": "nightly export"}, content_type="application/json"
    )
    assert created.status_code == 201
    key = created.json()["key"]
    _reset_password(user)
    resp = Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert resp.status_code == 200


def _token(user, name: str) -> str:
    from advocacy.services.tokens import api_token_create

    return api_token_create(actor=user, name=name)[1]


def test_revoke_all_my_tokens_on_the_tokens_page(world):
    user = world.a.employee
    keys = [_token(user, "export"), _token(user, "backup")]
    other = _token(world.a.admin, "someone else's")
    page = _signed_in(user)
    html = page.get("/account/api-tokens/").content.decode()
    assert 'action="/account/api-tokens/revoke-all/"' in html
    assert "Revoke all my tokens" in html

    resp = page.post("/account/api-tokens/revoke-all/", follow=True)

    assert resp.status_code == 200
    assert "2 tokens have been revoked." in resp.content.decode()
    for key in keys:
        assert Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401
    assert Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {other}").status_code == 200
    assert page.get("/account/api-tokens/revoke-all/").status_code == 405


def test_revoke_all_my_tokens_in_the_api(world):
    user = world.a.employee
    key, spare = _token(user, "export"), _token(user, "backup")
    other = _token(world.a.admin, "someone else's")
    client = Client()
    resp = client.post("/api/v1/tokens/revoke-all/", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert resp.status_code == 200
    assert resp.json() == {"revoked": 2}
    for used in (key, spare):
        assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {used}").status_code == 401
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {other}").status_code == 200
    assert Client().post("/api/v1/tokens/revoke-all/").status_code in (401, 403)
