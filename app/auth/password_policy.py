"""The password policy (ASVS 6.2): length, and no password that a guesser tries first.

No composition rules and no truncation or case folding of what is stored: only the checks
below, done on a lower-cased copy. A password is refused when it is

* shorter than ``PASSWORD_MIN_LENGTH`` (8) or longer than ``MAX_LENGTH`` (128);
* on the bundled list (``weak_passwords.txt``: common English and pinyin choices, keyboard
  rows), also once capitals, leetspeak and digits or symbols at either end are taken off
  (``Zhongguo1``, ``p@ssw0rd!``, ``123woaini``);
* a pattern: one unit repeated (``abcabcab``, ``123123123``), a run (``abcdefgh``,
  ``97531``-like steps), a walk along neighbouring keys (``qwertyui``, ``zxcvbnm,``) or a
  date (``19900101``);
* built on the user name or this system's name (``dangjian``, ``dangyuan`` …).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l

from app.errors import ValidationError

MAX_LENGTH = 128

# Words this system's users are tempted by: its name, its subject and its place.
CONTEXT_WORDS = (
    "dangjian",
    "dangyuan",
    "dangzhibu",
    "dangwei",
    "zhibu",
    "gongchandang",
    "xieshi",
    "kaohe",
    "weiminfuwu",
    "党建",
    "党员",
    "党支部",
    "党委",
    "写实",
    "考核",
    "为民服务",
)

_LEET = str.maketrans({"@": "a", "4": "a", "0": "o", "1": "i", "!": "i", "3": "e", "$": "s",
                       "5": "s", "7": "t", "+": "t", "8": "b", "9": "g"})  # fmt: skip
_ENDS = re.compile(r"^[\d\W_]+|[\d\W_]+$")
_DATE = re.compile(r"^(19|20)\d\d(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$")
_KEY_ROWS = ("1234567890-=", "qwertyuiop[]", "asdfghjkl;'", "zxcvbnm,./")


@cache
def weak_passwords() -> frozenset[str]:
    path = Path(__file__).with_name("weak_passwords.txt")
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(s.strip() for s in lines if s.strip() and not s.startswith("#"))


@cache
def _key_positions() -> dict[str, tuple[int, int]]:
    pos = {c: (r, i) for r, row in enumerate(_KEY_ROWS) for i, c in enumerate(row)}
    shifted = {"!": "1", "@": "2", "#": "3", "$": "4", "%": "5", "^": "6", "&": "7", "*": "8",
               "(": "9", ")": "0", "_": "-", "+": "=", "<": ",", ">": ".", "?": "/"}  # fmt: skip
    pos.update({s: pos[c] for s, c in shifted.items()})
    return pos


def _listed(lowered: str) -> bool:
    listed = weak_passwords()
    candidates = {lowered, lowered.translate(_LEET)}
    candidates |= {_ENDS.sub("", c) for c in list(candidates)}
    candidates |= {_ENDS.sub("", lowered).translate(_LEET)}
    return any(c in listed for c in candidates)


def _repeated(s: str) -> bool:
    """One unit of at most half the length, repeated (the last copy may be cut short)."""
    for size in range(1, len(s) // 2 + 1):
        unit = s[:size]
        if (unit * (len(s) // size + 1))[: len(s)] == s:
            return True
    return False


def _run(s: str) -> bool:
    """Characters going up or down by the same small step: abcdefgh, 87654321, 13579bdf."""
    steps = {ord(b) - ord(a) for a, b in zip(s, s[1:], strict=False)}
    return len(steps) == 1 and abs(steps.pop()) <= 2


def _keyboard_walk(s: str) -> bool:
    """Every key next to the one before (or the same) on a US/Chinese keyboard."""
    pos = _key_positions()
    if any(c not in pos for c in s):
        return False
    return all(
        abs(pos[a][0] - pos[b][0]) <= 1 and abs(pos[a][1] - pos[b][1]) <= 1
        for a, b in zip(s, s[1:], strict=False)
    )


def is_weak(password: str) -> bool:
    """True when a guesser would try ``password`` early (list, variants or pattern)."""
    lowered = password.lower()
    compact = lowered.replace(" ", "")
    return (
        _listed(lowered)
        or _repeated(compact)
        or _run(compact)
        or _keyboard_walk(compact)
        or bool(_DATE.match(compact))
    )


def check_password_policy(password: str, *, username: str = "", field: str = "password") -> None:
    """Raise ValidationError (naming ``field``) when the password is too weak."""
    min_len = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < min_len:
        raise ValidationError(_l("Use at least %(n)d characters.", n=min_len), field=field)
    if len(password) > MAX_LENGTH:
        raise ValidationError(_l("Use at most %(n)d characters.", n=MAX_LENGTH), field=field)
    lowered = password.lower()
    if username and username.lower() in lowered:
        raise ValidationError(_l("The password must not contain the user name."), field=field)
    if any(word in lowered for word in CONTEXT_WORDS):
        raise ValidationError(
            _l("The password must not be built on the name of this system."), field=field
        )
    if is_weak(password):
        raise ValidationError(
            _l(
                "This password is among the first a guesser tries (a common word, a keyboard "
                "row, a repeated or running pattern, or a date). Choose another."
            ),
            field=field,
        )
