"""The bulk import's shortcuts give what the one-at-a-time helpers give."""

from __future__ import annotations

import pytest

from app.common.chinese import name_initials, name_keys, name_pinyin, normalize_digits


def _normalize_slowly(text: str) -> str:
    out = []
    for ch in text:
        code = ord(ch)
        if 0xFF01 <= code <= 0xFF5E:
            ch = chr(code - 0xFEE0)
        if not ch.isspace():
            out.append(ch)
    return "".join(out)


@pytest.mark.parametrize(
    "text",
    [
        "",
        " 6209 0219 ",
        "abc\t\x1c\x1fX\x0b\r\n",
        "１２３ ４ｘ",
        "\u3000１x",
        "".join(map(chr, range(128))),
    ],
)
def test_normalize_digits_fast_path_is_exact(text):
    assert normalize_digits(text) == _normalize_slowly(text)


@pytest.mark.parametrize("name", ["单雄信", "赵红梅", "欧阳 修", "导入12", "Anna 李", ""])
def test_name_keys_are_pinyin_and_initials(name):
    assert name_keys(name) == (name_pinyin(name), name_initials(name))
