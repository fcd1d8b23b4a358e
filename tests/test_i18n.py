"""Every user-facing string is translated into Simplified Chinese, and Chinese is the default."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from tests.factories import make_user

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "translations" / "zh_Hans" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")


def _source_msgids() -> set[str]:
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
    found: set[str] = set()
    for sub, method in (("app", "python"), ("templates", "jinja2")):
        for _file, _line, message, _c, _ctx in extract_from_dir(
            ROOT / sub,
            [("**.py" if method == "python" else "**.html", method)],
            keywords,
            # babel skips folders starting with "_" by default; templates/_macros holds strings
            directory_filter=lambda path: not Path(path).name.startswith((".", "__")),
        ):
            found.add(message if isinstance(message, str) else message[0])
    return found


def test_catalogue_translates_every_string_in_the_code():
    with PO.open("rb") as f:
        catalog = read_po(f)
    translated = {m.id for m in catalog if m.id and m.string and not m.fuzzy}
    missing = sorted(_source_msgids() - translated)
    assert missing == [], f"untranslated: {missing[:10]} (run make extract-messages)"


def test_compiled_catalogue_matches_the_po_file():
    with PO.open("rb") as f:
        po = {m.id: m.string for m in read_po(f) if m.id}
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
