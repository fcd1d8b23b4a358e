"""Password hashing (argon2id) and the password policy."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import lazy_gettext as _l

from app.errors import ValidationError

# The most common choices, plus words this domain makes tempting. Checked case-insensitively.
_BLOCKLIST = {
    "12345678",
    "123456789",
    "1234567890",
    "11111111",
    "88888888",
    "00000000",
    "password",
    "password1",
    "passw0rd",
    "qwerty123",
    "abc12345",
    "abcd1234",
    "a1234567",
    "iloveyou",
    "admin123",
    "admin1234",
    "administrator",
    "dangyuan",
    "dangjian",
    "dangzhibu",
    "woaizhongguo",
    "zhongguo",
    "demo-pass-2024",
}
MAX_LENGTH = 128


# No 0/O, 1/l/I: an initial password is read out or copied from paper.
_UNAMBIGUOUS = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def generate_initial_password(length: int = 12) -> str:
    """A random password for an administrator to hand over; it must be changed at first use."""
    return "".join(secrets.choice(_UNAMBIGUOUS) for _ in range(length))


def _hasher() -> PasswordHasher:
    cfg = current_app.config
    return PasswordHasher(
        time_cost=cfg["ARGON2_TIME_COST"],
        memory_cost=cfg["ARGON2_MEMORY_COST"],
        parallelism=cfg["ARGON2_PARALLELISM"],
    )


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    try:
        return _hasher().check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True


def check_password_policy(password: str, *, username: str = "", field: str = "password") -> None:
    """Raise ValidationError (naming ``field``) when the password is too weak.

    Length 8–128, no truncation or case folding; not a common password; not the username.
    """
    min_len = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < min_len:
        raise ValidationError(
            _l("Use at least %(n)d characters.", n=min_len),
            field=field,
        )
    if len(password) > MAX_LENGTH:
        raise ValidationError(_l("Use at most %(n)d characters.", n=MAX_LENGTH), field=field)
    lowered = password.lower()
    if lowered in _BLOCKLIST or len(set(password)) < 3:
        raise ValidationError(
            _l("This password is too common. Choose another."),
            field=field,
        )
    if username and username.lower() in lowered:
        raise ValidationError(
            _l("The password must not contain the user name."),
            field=field,
        )
