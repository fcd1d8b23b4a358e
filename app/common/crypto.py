"""Field encryption for personal data at rest: AES-256-GCM plus an HMAC blind index.

Keys come from the configuration (FIELD_ENCRYPTION_KEY, BLIND_INDEX_KEY, base64 of 32 bytes)
and never from the database. Without them both are derived from SECRET_KEY, which only the tests
and the demo (DEMO_MODE=1) may do: the app refuses to start otherwise (app/factory.py).
"""

from __future__ import annotations

import base64
import hmac
import os
from collections.abc import Callable
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

_PREFIX = "v1:"


def _derive(secret: str, label: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=label).derive(secret.encode())


def _key(name: str, label: bytes) -> bytes:
    cfg = current_app.config
    return _resolved_key(name, cfg.get(name) or "", cfg["SECRET_KEY"], label)


# Keys are resolved (decoded, or derived with HKDF) once per configuration, not per field: an
# export decrypts 200,000 fields. Cached by the configured values, so another app (the tests',
# a rotated key) gets its own.
@lru_cache(maxsize=16)
def _resolved_key(name: str, raw: str, secret: str, label: bytes) -> bytes:
    if raw:
        key = base64.b64decode(raw)
        if len(key) != 32:
            raise RuntimeError(f"{name} must be base64 of 32 bytes")
        return key
    return _derive(secret, label)


@lru_cache(maxsize=16)
def _aead(key: bytes) -> AESGCM:
    return AESGCM(key)


def _field_cipher() -> AESGCM:
    return _aead(_key("FIELD_ENCRYPTION_KEY", b"field-encryption"))


def encrypt(plaintext: str) -> str:
    """Encrypt a short text; the result is ASCII and differs on every call."""
    return field_encrypter()(plaintext)


def decrypt(token: str) -> str:
    return field_decrypter()(token)


def field_decrypter() -> Callable[[str], str]:
    """``decrypt`` with the key resolved once: for a loop over many fields (an export)."""
    decrypt_block = _field_cipher().decrypt
    b64decode, skip = base64.b64decode, len(_PREFIX)

    def _decrypt(token: str) -> str:
        if not token:
            return ""
        if not token.startswith(_PREFIX):
            raise ValueError("unknown ciphertext format")
        blob = b64decode(token[skip:])
        return decrypt_block(blob[:12], blob[12:], None).decode()

    return _decrypt


def field_encrypter() -> Callable[[str], str]:
    """``encrypt`` with the key resolved once: for a loop over many fields (an import)."""
    encrypt_block = _field_cipher().encrypt
    urandom, b64encode = os.urandom, base64.b64encode

    def _encrypt(plaintext: str) -> str:
        if plaintext == "":
            return ""
        nonce = urandom(12)
        return _PREFIX + b64encode(nonce + encrypt_block(nonce, plaintext.encode(), None)).decode()

    return _encrypt


def blind_index(value: str, purpose: str) -> str:
    """A keyed hash for exact lookup and uniqueness without storing the value."""
    return blind_indexer(purpose)(value)


def blind_indexer(purpose: str) -> Callable[[str], str]:
    """blind_index for one purpose, with the key resolved once: for a loop over many values."""
    key, prefix, digest = _key("BLIND_INDEX_KEY", b"blind-index"), f"{purpose}:", hmac.digest

    def _index(value: str) -> str:
        if value == "":
            return ""
        return digest(key, (prefix + value).encode(), "sha256").hex()

    return _index


def seal_bytes(data: bytes, context: str) -> bytes:
    """Encrypt a file's bytes (an upload waiting for confirmation, a job's result) for disk.
    ``context`` (e.g. the file's token) is bound to the ciphertext, so files cannot be swapped."""
    nonce = os.urandom(12)
    return nonce + _field_cipher().encrypt(nonce, data, context.encode())


def open_sealed(blob: bytes, context: str) -> bytes:
    """The bytes seal_bytes sealed under ``context``; raises InvalidTag when they were altered."""
    return _field_cipher().decrypt(blob[:12], blob[12:], context.encode())
