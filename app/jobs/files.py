"""Files with personal data waiting on disk (a staged upload, a job's result): sealed with
the field key under a random token, read back only within their time, swept afterwards."""

from __future__ import annotations

import secrets
import time
from pathlib import Path

from cryptography.exceptions import InvalidTag

from app.common.crypto import open_sealed, seal_bytes

SUFFIX = ".sealed"


def folder(instance_path: str, name: str) -> Path:
    path = Path(instance_path) / name
    path.mkdir(parents=True, exist_ok=True)
    return path


def _path(where: Path, token: str) -> Path | None:
    return where / f"{token}{SUFFIX}" if token and token.isalnum() else None


def store(where: Path, data: bytes) -> str:
    """Seal ``data`` into a new file; returns its token."""
    token = secrets.token_hex(16)
    (where / f"{token}{SUFFIX}").write_bytes(seal_bytes(data, token))
    return token


def store_under(where: Path, token: str, data: bytes) -> None:
    """Seal ``data`` under a token of the caller's (an alphanumeric name derived from one
    ``store`` gave, for a file that belongs with it)."""
    path = _path(where, token)
    if path is None:
        raise ValueError("an alphanumeric token")
    path.write_bytes(seal_bytes(data, token))


def load(where: Path, token: str, max_age_s: float) -> bytes | None:
    """The bytes under ``token``, or None when absent, older than ``max_age_s`` or altered."""
    path = _path(where, token)
    if path is None or not path.exists():
        return None
    if path.stat().st_mtime < time.time() - max_age_s:
        path.unlink(missing_ok=True)
        return None
    try:
        return open_sealed(path.read_bytes(), token)
    except (InvalidTag, ValueError):
        return None


def remove(where: Path, token: str) -> None:
    path = _path(where, token)
    if path is not None:
        path.unlink(missing_ok=True)


def sweep(where: Path, max_age_s: float) -> int:
    """Remove every file older than ``max_age_s`` (any name: plaintext leftovers of older
    versions too). Returns how many went."""
    cutoff, n = time.time() - max_age_s, 0
    for path in where.iterdir():
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            n += 1
    return n
