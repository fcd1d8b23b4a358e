"""Chinese text helpers: pinyin for search and sorting, surname stroke counts (姓氏笔画)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pypinyin import lazy_pinyin

_STROKES_FILE = Path(__file__).with_name("strokes.dat")
_FIRST = 0x4E00

# Surnames whose reading differs from the character's everyday reading.
_SURNAME_READINGS = {
    "单": "shan",
    "解": "xie",
    "仇": "qiu",
    "朴": "piao",
    "查": "zha",
    "曾": "zeng",
    "区": "ou",
    "尉迟": "yuchi",
    "万俟": "moqi",
    "乐": "yue",
    "缪": "miao",
    "盖": "ge",
    "覃": "qin",
    "召": "shao",
}


@cache
def _stroke_table() -> bytes:
    return _STROKES_FILE.read_bytes()


def stroke_count(char: str) -> int:
    """Total strokes of one CJK character (Unihan kTotalStrokes); 99 when unknown."""
    table = _stroke_table()
    i = ord(char) - _FIRST if char else -1
    if 0 <= i < len(table) and table[i] != 48:
        return table[i] - 48
    return 99


def surname_strokes(name: str) -> int:
    """Strokes of the surname's first character: the key of the customary roster order."""
    name = name.strip()
    return stroke_count(name[0]) if name else 99


def _syllables(name: str) -> list[str]:
    name = name.strip()
    for surname, reading in _SURNAME_READINGS.items():
        if name.startswith(surname):
            return [reading, *lazy_pinyin(name[len(surname) :])]
    return lazy_pinyin(name)


def name_pinyin(name: str) -> str:
    """Pinyin without tones or spaces, surname read as a surname: 单雄信 -> 'shanxiongxin'.

    The sort key of the pinyin order and the target of full-pinyin search."""
    return "".join(p.strip() for p in _syllables(name)).lower()


def name_initials(name: str) -> str:
    """Pinyin initials for search: 赵红梅 -> 'zhm'."""
    return "".join(p.strip()[0] for p in _syllables(name) if p.strip()).lower()


def name_keys(name: str) -> tuple[str, str]:
    """name_pinyin and name_initials of one name, read once (bulk imports)."""
    syllables = [p.strip() for p in _syllables(name)]
    return "".join(syllables).lower(), "".join(p[0] for p in syllables if p).lower()


def normalize_digits(text: str) -> str:
    """Full-width digits and letters to ASCII, spaces removed (for IDs and phones)."""
    if text.isascii():  # the usual case: split() drops exactly what isspace() finds
        return "".join(text.split())
    out = []
    for ch in text:
        code = ord(ch)
        if 0xFF01 <= code <= 0xFF5E:
            ch = chr(code - 0xFEE0)
        if not ch.isspace():
            out.append(ch)
    return "".join(out)
