"""The one-pass select renders what WTForms' own Select renders: the chosen option marked,
values and labels escaped."""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from wtforms import SelectField

from app.common.forms import QuickSelect


class _Form(FlaskForm):
    quick = SelectField("Q", widget=QuickSelect(), validate_choice=False)
    plain = SelectField("P", validate_choice=False)


def _options(html: str) -> list[tuple[str, bool, str]]:
    """(value, selected, label) of each option, whatever the attributes' order."""
    return [
        (re.search(r'value="([^"]*)"', attrs).group(1), "selected" in attrs, label)
        for attrs, label in re.findall(r"<option([^>]*)>([^<]*)</option>", html)
    ]


def test_quick_select_matches_wtforms_select(app):
    choices = [("", "全部"), ("7", "泉湖村党支部 (3)"), ("8", '<b>"x" & y</b>')]
    with app.test_request_context("/?quick=8&plain=8"):
        form = _Form(meta={"csrf": False}, formdata=None, data={"quick": "8", "plain": "8"})
        form.quick.choices = form.plain.choices = choices
        quick, plain = str(form.quick()), str(form.plain())
    assert quick.startswith('<select id="quick" name="quick">')
    assert "<b>" not in quick and "&lt;b&gt;&#34;x&#34; &amp; y&lt;/b&gt;" in quick
    assert _options(quick) == _options(plain.replace("plain", "quick"))
    assert [o for o in _options(quick) if o[1]] == [
        ("8", True, "&lt;b&gt;&#34;x&#34; &amp; y&lt;/b&gt;")
    ]


def test_a_list_asked_again_marks_each_request_s_own_choice(app):
    choices = [("", "全部"), ("7", "甲"), ("70", "乙"), ('"8"', "丙")]
    marked = []
    for data in ("70", '"8"', "", "7"):
        with app.test_request_context("/"):
            form = _Form(meta={"csrf": False}, formdata=None, data={"quick": data})
            form.quick.choices = choices
            marked.append([value for value, selected, _ in _options(str(form.quick())) if selected])
    assert marked == [["70"], ["&#34;8&#34;"], [""], ["7"]]
