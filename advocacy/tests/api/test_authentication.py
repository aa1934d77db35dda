"""Token authentication of API calls."""

from __future__ import annotations

from advocacy.services.tokens import api_token_create, api_token_revoke


def _bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_token_authenticates_api_calls_and_records_last_use(api_client, world):
    token, raw = api_token_create(actor=world.a.employee, name="script")
    resp = api_client.get("/api/v1/me/", **_bearer(raw))
    assert resp.status_code == 200
    assert resp.json()["email"] == world.a.employee.email
    resp = api_client.get(f"/api/v1/orgs/{world.a.org.slug}/", **_bearer(raw))
    assert resp.status_code == 200
    assert resp.json()["role"] == "employee"
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_token_grants_nothing_in_organizations_the_user_is_not_in(api_client, world):
    _token, raw = api_token_create(actor=world.a.employee, name="script")
    assert api_client.get(f"/api/v1/orgs/{world.b.org.slug}/", **_bearer(raw)).status_code == 404


def test_revoked_or_unknown_token_is_refused(api_client, world):
    token, raw = api_token_create(actor=world.a.employee, name="script")
    api_token_revoke(actor=world.a.employee, token_id=token.pk)
    resp = api_client.get("/api/v1/me/", **_bearer(raw))
    assert resp.status_code == 401
    assert resp.json()["code"] == "not_authenticated"
    assert api_client.get("/api/v1/me/", **_bearer("chorus_made-up")).status_code == 401


def test_token_of_a_deactivated_user_is_refused(api_client, world):
    _token, raw = api_token_create(actor=world.a.employee, name="script")
    world.a.employee.is_active = False
    world.a.employee.save()
    assert api_client.get("/api/v1/me/", **_bearer(raw)).status_code == 401
