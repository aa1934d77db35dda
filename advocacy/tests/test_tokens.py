"""Personal API tokens: services, the account page, the API, and authentication with them."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from advocacy.api_tokens import (
    MAX_ACTIVE_TOKENS_PER_USER,
    api_token_create,
    api_token_revoke,
    api_tokens_of_user,
)
from advocacy.models import ApiToken, token_hash

# --- Services -------------------------------------------------------------------


def test_create_stores_only_a_digest_and_returns_the_raw_key_once(world):
    token, raw = api_token_create(user=world.a.admin, name="  Report script ")
    assert raw.startswith("chorus_")
    assert token.name == "Report script"
    assert token.key_hash == token_hash(raw)
    assert raw.startswith(token.prefix)
    assert len(token.prefix) == len("chorus_") + ApiToken.PREFIX_LEN
    stored = ApiToken.objects.get(pk=token.pk)
    assert raw not in {stored.key_hash, stored.prefix, stored.name}


def test_create_refuses_a_blank_name(world):
    with pytest.raises(ValidationError) as exc:
        api_token_create(user=world.a.admin, name="   ")
    assert "name" in exc.value.message_dict


def test_create_refuses_more_than_the_active_limit(world):
    user = world.a.employee
    for i in range(MAX_ACTIVE_TOKENS_PER_USER):
        api_token_create(user=user, name=f"t{i}")
    with pytest.raises(ValidationError):
        api_token_create(user=user, name="one too many")
    first = api_tokens_of_user(user=user).last()
    api_token_revoke(user=user, token_id=first.pk)
    api_token_create(user=user, name="room again")


def test_revoke_only_own_tokens(world):
    token, _raw = api_token_create(user=world.a.admin, name="mine")
    with pytest.raises(Http404):
        api_token_revoke(user=world.b.admin, token_id=token.pk)
    with pytest.raises(Http404):
        api_token_revoke(user=world.a.admin, token_id="nope")
    revoked = api_token_revoke(user=world.a.admin, token_id=token.pk)
    assert revoked.revoked_at is not None
    assert not api_tokens_of_user(user=world.a.admin).exists()
    with pytest.raises(Http404):  # twice: already gone
        api_token_revoke(user=world.a.admin, token_id=token.pk)


# --- The account page ---------------------------------------------------------------


def test_tokens_page_creates_shows_key_once_lists_and_revokes(client, world):
    client.force_login(world.a.employee)
    resp = client.get("/account/api-tokens/")
    assert resp.status_code == 200
    assert "no-store" in resp["Cache-Control"] or "max-age=0" in resp["Cache-Control"]

    resp = client.post("/account/api-tokens/", {"name": "CI"})
    assert resp.status_code == 200
    raw = resp.context["raw_key"]
    assert raw.startswith("chorus_")
    html = resp.content.decode()
    assert raw in html
    token = ApiToken.objects.get(user=world.a.employee)

    resp = client.get("/account/api-tokens/")
    html = resp.content.decode()
    assert raw not in html  # never shown again
    assert token.prefix in html and "CI" in html

    resp = client.post(f"/account/api-tokens/{token.pk}/revoke/", follow=True)
    assert resp.status_code == 200
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert token.prefix not in resp.content.decode()


def test_tokens_page_shows_errors_for_a_blank_name(client, world):
    client.force_login(world.a.employee)
    resp = client.post("/account/api-tokens/", {"name": ""})
    assert resp.status_code == 400
    assert resp.context["form"].errors["name"]
    assert not ApiToken.objects.exists()


def test_tokens_page_cannot_revoke_someone_elses_token(client, world):
    token, _raw = api_token_create(user=world.b.employee, name="theirs")
    client.force_login(world.a.employee)
    assert client.post(f"/account/api-tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_tokens_page_lists_only_own_tokens_in_few_queries(
    client, world, django_assert_max_num_queries
):
    for i in range(5):
        api_token_create(user=world.a.employee, name=f"mine {i}")
    api_token_create(user=world.b.employee, name="someone else's")
    client.force_login(world.a.employee)
    with django_assert_max_num_queries(8):
        resp = client.get("/account/api-tokens/")
    assert len(resp.context["tokens"]) == 5
    assert "someone else" not in resp.content.decode()


def test_tokens_page_needs_sign_in(client, db):
    resp = client.get("/account/api-tokens/")
    assert resp.status_code == 302
    assert "/accounts/login/" in resp["Location"]


# --- The API ----------------------------------------------------------------------


def test_api_lists_creates_and_revokes_own_tokens(api_client, world, django_assert_max_num_queries):
    api_client.force_authenticate(world.a.employee)
    resp = api_client.post("/api/v1/tokens/", {"name": "deploy"}, format="json")
    assert resp.status_code == 201
    body = resp.json()
    assert body["key"].startswith("chorus_")
    assert body["prefix"] == body["key"][: len(body["prefix"])]
    for i in range(3):
        api_token_create(user=world.a.employee, name=f"more {i}")
    api_token_create(user=world.b.employee, name="not mine")

    with django_assert_max_num_queries(3):
        resp = api_client.get("/api/v1/tokens/")
    assert resp.status_code == 200
    results = resp.json()["results"]
    assert len(results) == 4
    assert all("key" not in r for r in results)
    assert {r["name"] for r in results} == {"deploy", "more 0", "more 1", "more 2"}

    resp = api_client.delete(f"/api/v1/tokens/{body['id']}/")
    assert resp.status_code == 204
    assert len(api_client.get("/api/v1/tokens/").json()["results"]) == 3


def test_api_cannot_see_or_revoke_another_users_token(api_client, world):
    theirs, _raw = api_token_create(user=world.b.employee, name="theirs")
    api_client.force_authenticate(world.a.employee)
    assert api_client.delete(f"/api/v1/tokens/{theirs.pk}/").status_code == 404
    assert api_client.get("/api/v1/tokens/").json()["results"] == []
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_api_create_validates_the_name(api_client, world):
    api_client.force_authenticate(world.a.employee)
    resp = api_client.post("/api/v1/tokens/", {"name": ""}, format="json")
    assert resp.status_code == 400
    assert "name" in resp.json()["errors"]


def test_api_tokens_need_authentication(api_client, db):
    assert api_client.get("/api/v1/tokens/").status_code == 401


# --- Authenticating with a token -------------------------------------------------------


def _bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_token_authenticates_api_calls_and_records_last_use(api_client, world):
    token, raw = api_token_create(user=world.a.employee, name="script")
    resp = api_client.get("/api/v1/me/", **_bearer(raw))
    assert resp.status_code == 200
    assert resp.json()["email"] == world.a.employee.email
    resp = api_client.get(f"/api/v1/orgs/{world.a.org.slug}/", **_bearer(raw))
    assert resp.status_code == 200
    assert resp.json()["role"] == "employee"
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_token_grants_nothing_in_organizations_the_user_is_not_in(api_client, world):
    _token, raw = api_token_create(user=world.a.employee, name="script")
    assert api_client.get(f"/api/v1/orgs/{world.b.org.slug}/", **_bearer(raw)).status_code == 404


def test_revoked_or_unknown_token_is_refused(api_client, world):
    token, raw = api_token_create(user=world.a.employee, name="script")
    api_token_revoke(user=world.a.employee, token_id=token.pk)
    resp = api_client.get("/api/v1/me/", **_bearer(raw))
    assert resp.status_code == 401
    assert resp.json()["code"] == "not_authenticated"
    assert api_client.get("/api/v1/me/", **_bearer("chorus_made-up")).status_code == 401


def test_token_of_a_deactivated_user_is_refused(api_client, world):
    _token, raw = api_token_create(user=world.a.employee, name="script")
    world.a.employee.is_active = False
    world.a.employee.save()
    assert api_client.get("/api/v1/me/", **_bearer(raw)).status_code == 401
