"""The RSA key that signs LinkedIn id_tokens (RS256), published as a JWKS.

Uses ``cryptography`` (already a Chorus dependency). A key is generated once per process and
kept in the store (and its state file, so a restarted demo sandbox keeps its key id).
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from social_sandbox.store import Store

_process_key_pem: str | None = None
_process_key_lock = threading.Lock()
_loaded: dict[str, rsa.RSAPrivateKey] = {}  # PEM -> key (loading checks the key: slow)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _int_b64url(value: int) -> str:
    return _b64url(value.to_bytes((value.bit_length() + 7) // 8, "big"))


def _generate_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")


def private_key(store: Store) -> rsa.RSAPrivateKey:
    global _process_key_pem
    if store.signing_key_pem is None:
        with _process_key_lock:
            if _process_key_pem is None:
                _process_key_pem = _generate_pem()
        store.signing_key_pem = _process_key_pem
    pem = store.signing_key_pem
    if pem not in _loaded:
        key = serialization.load_pem_private_key(pem.encode("ascii"), password=None)
        assert isinstance(key, rsa.RSAPrivateKey)
        _loaded[pem] = key
    return _loaded[pem]


def _kid(public: rsa.RSAPublicKey) -> str:
    numbers = public.public_numbers()
    return hashlib.sha256(f"{numbers.n}:{numbers.e}".encode()).hexdigest()[:16]


def jwks(store: Store) -> dict[str, Any]:
    public = private_key(store).public_key()
    numbers = public.public_numbers()
    return {
        "keys": [
            {
                "kty": "RSA",
                "kid": _kid(public),
                "use": "sig",
                "alg": "RS256",
                "n": _int_b64url(numbers.n),
                "e": _int_b64url(numbers.e),
            }
        ]
    }


def sign_jwt(store: Store, claims: dict[str, Any]) -> str:
    key = private_key(store)
    header = {"alg": "RS256", "kid": _kid(key.public_key()), "typ": "JWT"}
    signing_input = (
        _b64url(json.dumps(header, separators=(",", ":")).encode())
        + "."
        + _b64url(json.dumps(claims, separators=(",", ":")).encode())
    )
    signature = key.sign(signing_input.encode("ascii"), padding.PKCS1v15(), hashes.SHA256())
    return signing_input + "." + _b64url(signature)
