"""Network tokens encrypted at rest with Fernet, with key rotation (MultiFernet).

``TOKEN_ENCRYPTION_KEYS`` holds comma-separated Fernet keys, newest first: new values
are encrypted with the first, every listed key can decrypt, and ``token_reencrypt``
moves old ciphertexts to the first key. Unset, a key is derived from ``SECRET_KEY``
(fine for development; production sets its own so that rotating ``SECRET_KEY`` does
not lose every token).
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class TokenDecryptionError(Exception):
    """A stored token cannot be decrypted with any configured key."""


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...], secret_key: str) -> MultiFernet:
    if not keys:
        derived = base64.urlsafe_b64encode(
            hashlib.sha256(b"chorus-tokens:" + secret_key.encode()).digest()
        )
        keys = (derived.decode(),)
    return MultiFernet([Fernet(k.encode() if isinstance(k, str) else k) for k in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.TOKEN_ENCRYPTION_KEYS), settings.SECRET_KEY)


def encrypt(value: str) -> str:
    if not value:
        return ""
    return fernet().encrypt(value.encode()).decode()


def decrypt(value: str) -> str:
    if not value:
        return ""
    try:
        return fernet().decrypt(value.encode()).decode()
    except InvalidToken as exc:
        raise TokenDecryptionError(
            "stored token cannot be decrypted with the configured keys"
        ) from exc


def reencrypt(value: str) -> str:
    """The same secret under the newest key (for rotation)."""
    if not value:
        return ""
    return fernet().rotate(value.encode()).decode()
