"""The personal API tokens page."""

from __future__ import annotations

from advocacy.models import ApiToken
from advocacy.services.tokens import api_token_create


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
    token, _raw = api_token_create(actor=world.b.employee, name="theirs")
    client.force_login(world.a.employee)
    assert client.post(f"/account/api-tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_tokens_page_lists_only_own_tokens_in_few_queries(
    client, world, django_assert_max_num_queries
):
    for i in range(5):
        api_token_create(actor=world.a.employee, name=f"mine {i}")
    api_token_create(actor=world.b.employee, name="someone else's")
    client.force_login(world.a.employee)
    with django_assert_max_num_queries(8):
        resp = client.get("/account/api-tokens/")
    assert len(resp.context["tokens"]) == 5
    assert "someone else" not in resp.content.decode()


def test_tokens_page_needs_sign_in(client, db):
    resp = client.get("/account/api-tokens/")
    assert resp.status_code == 302
    assert "/accounts/login/" in resp["Location"]
