"""Chinese text helpers: pinyin for search and sorting, surname stroke counts (姓氏笔画)."""

from __future__ import annotations

from functools import cache, lru_cache
from pathlib import Path

from pypinyin import lazy_pinyin
from pypinyin.constants import PHRASES_DICT, RE_HANS
from pypinyin.seg.simpleseg import simple_seg

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


# A run of Chinese characters longer than this is read by pypinyin as it is (names are short).
_MEMO_RUN = 8


@lru_cache(maxsize=32768)
def _char_pinyin(char: str) -> tuple[str, ...]:
    return tuple(lazy_pinyin(char))


def _has_phrase(run: str) -> bool:
    """Whether any two or more consecutive characters of ``run`` are in pypinyin's phrase
    dictionary (the only case where a character's reading depends on its neighbours)."""
    n = len(run)
    return any(run[i:j] in PHRASES_DICT for i in range(n - 1) for j in range(i + 2, n + 1))


def _pinyin(text: str) -> list[str]:
    """lazy_pinyin(text), each character's reading memoised: pypinyin reads each run of
    Chinese characters on its own, and reads a run holding no dictionary phrase character by
    character, so such a run is the readings of its characters. A bulk import reads 20,000
    names; pypinyin's segmentation of each was most of the time. A run holding a phrase goes
    to pypinyin (memoised too when short), a long run always; a run of other characters is
    kept as it is, as pypinyin keeps it."""
    out: list[str] = []
    for run in simple_seg(text):
        if not run:
            continue
        if not RE_HANS.match(run):
            out.append(run)
        elif len(run) <= _MEMO_RUN:
            out.extend(_run_pinyin(run))
        else:
            out.extend(lazy_pinyin(run))
    return out


@lru_cache(maxsize=32768)
def _run_pinyin(run: str) -> tuple[str, ...]:
    """A short run's readings, memoised as a whole (a given name, a phrase): by character
    when it holds no phrase, else as pypinyin reads the phrase."""
    if _has_phrase(run):
        return tuple(lazy_pinyin(run))
    return tuple(p for char in run for p in _char_pinyin(char))


def _syllables(name: str) -> list[str]:
    name = name.strip()
    for surname, reading in _SURNAME_READINGS.items():
        if name.startswith(surname):
            return [reading, *_pinyin(name[len(surname) :])]
    return _pinyin(name)


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
