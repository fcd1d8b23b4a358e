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


# Names whose reading depends on a dictionary phrase (重庆, 长江, 银行, 行长, 朝阳) beside
# plain ones, mixed runs and the surnames read apart.
_NAMES = ["重庆人", "长江", "银行行长", "朝阳区", "乐乐", "单雄信", "王 小明", "导入123",
          "abc中国def", "阿卜杜·热合曼", "〇一", "A-1", "１２", "单", "", "行", "长"]  # fmt: skip


@pytest.mark.parametrize("name", _NAMES)
def test_memoised_reading_is_pypinyins(name):
    from pypinyin import lazy_pinyin

    from app.common.chinese import _pinyin

    assert _pinyin(name) == lazy_pinyin(name)
    assert _pinyin(name) == lazy_pinyin(name)  # again, from the memo


def test_a_character_read_in_a_phrase_does_not_change_its_reading_alone():
    # 行 reads hang in 银行 and xing alone: the memo of one must not leak into the other.
    before = [name_pinyin(n) for n in ("行", "银行", "行", "长", "行长", "长")]
    assert before == ["xing", "yinhang", "xing", "zhang", "hangzhang", "zhang"]
    assert name_pinyin("李行") == "lixing"
    assert name_pinyin("银行") == "yinhang"
