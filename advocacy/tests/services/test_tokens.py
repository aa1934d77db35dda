"""Personal API token services: create (digest only, limit), revoke own only."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from advocacy.models import ApiToken, token_hash
from advocacy.selectors import api_tokens_of_user
from advocacy.services.tokens import MAX_ACTIVE_TOKENS_PER_USER, api_token_create, api_token_revoke


def test_create_stores_only_a_digest_and_returns_the_raw_key_once(world):
    token, raw = api_token_create(actor=world.a.admin, name="  Report script ")
    assert raw.startswith("chorus_")
    assert token.name == "Report script"
    assert token.key_hash == token_hash(raw)
    assert raw.startswith(token.prefix)
    assert len(token.prefix) == len("chorus_") + ApiToken.PREFIX_LEN
    stored = ApiToken.objects.get(pk=token.pk)
    assert raw not in {stored.key_hash, stored.prefix, stored.name}


def test_create_refuses_a_blank_name(world):
    with pytest.raises(ValidationError) as exc:
        api_token_create(actor=world.a.admin, name="   ")
    assert "name" in exc.value.message_dict


def test_create_refuses_more_than_the_active_limit(world):
    user = world.a.employee
    for i in range(MAX_ACTIVE_TOKENS_PER_USER):
        api_token_create(actor=user, name=f"t{i}")
    with pytest.raises(ValidationError):
        api_token_create(actor=user, name="one too many")
    first = api_tokens_of_user(user=user).last()
    assert first is not None
    api_token_revoke(actor=user, token_id=first.pk)
    api_token_create(actor=user, name="room again")


def test_revoke_only_own_tokens(world):
    token, _raw = api_token_create(actor=world.a.admin, name="mine")
    with pytest.raises(Http404):
        api_token_revoke(actor=world.b.admin, token_id=token.pk)
    with pytest.raises(Http404):
        api_token_revoke(actor=world.a.admin, token_id="nope")
    revoked = api_token_revoke(actor=world.a.admin, token_id=token.pk)
    assert revoked.revoked_at is not None
    assert not api_tokens_of_user(user=world.a.admin).exists()
    with pytest.raises(Http404):  # twice: already gone
        api_token_revoke(actor=world.a.admin, token_id=token.pk)
