"""Token key rotation: add a new key first, rotate, then drop the old key."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command

from social.crypto import TokenDecryptionError
from social.models import NetworkAccount

from .factories import NetworkAccountFactory

pytestmark = pytest.mark.django_db

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def _rotate(capsys) -> str:
    call_command("rotate_token_keys")
    return capsys.readouterr().out


def test_rotation_moves_every_token_to_the_newest_key(settings, world, capsys):
    settings.TOKEN_ENCRYPTION_KEYS = [OLD]
    account = NetworkAccountFactory.create(user=world.a.employee, token="secret-access")
    account.set_tokens(
        access_token="secret-access", expires_at=None, refresh_token="secret-refresh"
    )
    account.save()
    NetworkAccountFactory.create(user=world.a.admin, token="other-access")
    empty = NetworkAccountFactory.create(user=world.b.admin)
    empty.wipe_tokens()  # a disconnected row: nothing to rotate
    empty.save()

    # A new key first: old data stays readable.
    settings.TOKEN_ENCRYPTION_KEYS = [NEW, OLD]
    assert NetworkAccount.objects.get(pk=account.pk).access_token == "secret-access"

    out = _rotate(capsys)
    assert "re-encrypted: 2" in out and "unreadable: 0" in out

    # After rotation the new key alone reads everything.
    settings.TOKEN_ENCRYPTION_KEYS = [NEW]
    account = NetworkAccount.objects.get(pk=account.pk)
    assert account.access_token == "secret-access"
    assert account.refresh_token == "secret-refresh"
    assert "secret-access" not in account.access_token_encrypted

    # Idempotent: nothing left to move.
    settings.TOKEN_ENCRYPTION_KEYS = [NEW, OLD]
    out = _rotate(capsys)
    assert "re-encrypted: 0" in out and "already current: 2" in out


def test_without_the_old_key_old_tokens_are_unreadable(settings, world):
    settings.TOKEN_ENCRYPTION_KEYS = [OLD]
    account = NetworkAccountFactory.create(user=world.a.employee)
    settings.TOKEN_ENCRYPTION_KEYS = [NEW]
    with pytest.raises(TokenDecryptionError):
        _ = NetworkAccount.objects.get(pk=account.pk).access_token
