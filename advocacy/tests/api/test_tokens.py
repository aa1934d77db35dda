"""The personal API tokens API."""

from __future__ import annotations

from advocacy.services.tokens import api_token_create


def test_api_lists_creates_and_revokes_own_tokens(api_client, world, django_assert_max_num_queries):
    api_client.force_authenticate(world.a.employee)
    resp = api_client.post("/api/v1/tokens/", {"name": "deploy"}, format="json")
    assert resp.status_code == 201
    body = resp.json()
    assert body["key"].startswith("chorus_")
    assert body["prefix"] == body["key"][: len(body["prefix"])]
    for i in range(3):
        api_token_create(actor=world.a.employee, name=f"more {i}")
    api_token_create(actor=world.b.employee, name="not mine")

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
    theirs, _raw = api_token_create(actor=world.b.employee, name="theirs")
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
