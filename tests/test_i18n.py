"""Every user-facing string is translated into Simplified Chinese, and Chinese is the default."""

from __future__ import annotations

import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from tests.crawl import build_site, html_pages
from tests.factories import make_user

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "translations" / "zh_Hans" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")


def _source_msgids(tmp_path: Path) -> set[str]:
    """Extract exactly as `make extract-messages` does, so the test and the catalogue agree."""
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            str(Path(sys.executable).with_name("pybabel")),
            "extract",
            "-F",
            "babel.cfg",
            "--ignore-dirs=.* __pycache__",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as f:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}


def test_catalogue_translates_every_string_in_the_code(tmp_path):
    with PO.open("rb") as f:
        catalog = read_po(f)
    translated = {m.id for m in catalog if m.id and m.string and not m.fuzzy}
    msgids = _source_msgids(tmp_path)
    assert len(msgids) > 100
    missing = sorted(msgids - translated)
    assert missing == [], f"untranslated: {missing[:10]} (run make extract-messages)"


def test_compiled_catalogue_matches_the_po_file():
    with PO.open("rb") as f:
        po = {m.id: m.string for m in read_po(f) if m.id and m.string}
    with MO.open("rb") as f:
        mo = {m.id: m.string for m in read_mo(f) if m.id}
    assert po == mo, "run make translations to recompile the catalogue"


def test_pages_are_chinese_by_default_and_english_on_request(client):
    page = client.get("/auth/login").get_data(as_text=True)
    assert "登录" in page and 'lang="zh-CN"' in page
    client.post("/lang", data={"lang": "en", "next": "/auth/login"})
    page = client.get("/auth/login").get_data(as_text=True)
    assert "Log in" in page and 'lang="en"' in page


def test_form_validation_messages_are_chinese(client):
    make_user("alice")
    page = client.post("/auth/login", data={"username": "", "password": ""}).get_data(as_text=True)
    assert "此项为必填项" in page or "必填" in page


def test_wtforms_messages_are_read_once_per_language(app, monkeypatch):
    from babel import support
    from flask_babel import force_locale
    from flask_wtf import FlaskForm
    from wtforms import IntegerField

    from app.extensions import wtforms_messages

    loads: list[str] = []
    real = support.Translations.load.__func__

    def counting(cls, dirname=None, locales=None, domain=None):
        if domain == "wtforms":
            loads.append(str(locales[0]))
        return real(cls, dirname, locales, domain)

    monkeypatch.setattr(support.Translations, "load", classmethod(counting))
    monkeypatch.setattr(wtforms_messages, "_loaded", {})  # as a new process starts

    class Form(FlaskForm):
        class Meta:
            csrf = False

        amount = IntegerField()  # WTForms' own label and message, from its catalogue

    def errors(language: str | None) -> list[str]:
        with app.test_request_context("/", method="POST", data={"amount": "many"}):
            app.preprocess_request()  # the request's hooks, as every page runs them
            if language is None:
                form = Form()
                form.validate()
                return form.amount.errors
            with force_locale(language):
                form = Form()
                form.validate()
                return form.amount.errors

    chinese = [errors(None) for _ in range(3)]
    english = [errors("en") for _ in range(2)]
    assert chinese[0] == chinese[2] and "不" in chinese[0][0]  # WTForms' Chinese message
    assert english[0] == english[1] == ["Not a valid integer value."]
    assert sorted(loads) == ["en", "zh_Hans"]  # once per language, not once per request


class _Text(HTMLParser):
    """The text nodes a reader sees (script and style left out), and option labels."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in ("placeholder", "title", "aria-label") and value:
                self.texts.append(value.strip())

    def handle_endtag(self, tag) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data) -> None:
        if not self._skip and data.strip():
            self.texts.append(data.strip())


def test_no_page_shows_an_english_msgid_to_a_chinese_reader(app, login_as):
    """Labels frozen at import time (choices, constants) show in English; walk every page."""
    with PO.open("rb") as f:
        english = {m.id for m in read_po(f) if isinstance(m.id, str) and m.string != m.id}
    english = {e for e in english if len(e) > 3 and not e.startswith("%")}
    _tree, users, _member = build_site()
    shown = []
    for who, user in users.items():
        for url, html in html_pages(app, login_as(user)):
            parser = _Text()
            parser.feed(html)
            shown += [(who, url, t) for t in parser.texts if t in english]
    assert shown == []
