"""Static files for phones and slow networks (app/common/assets.py): fingerprinted names in the
pages, served gzipped with a one-year immutable cache, and a sprite of only the icons used."""

import gzip
import re
from pathlib import Path

import pytest

from app.auth.models import Role
from app.common import assets
from tests.factories import make_user

ROOT = Path(__file__).resolve().parents[2]
ASSET = re.compile(r'(?:href|src)="(/(?:bootstrap/)?static/[^"#]+)')


def _assets_in(body: str) -> list[str]:
    return ASSET.findall(body)


def test_pages_link_fingerprinted_static_files(client):
    body = client.get("/auth/login").get_data(as_text=True)
    urls = _assets_in(body)
    assert any(re.fullmatch(r"/static/css/app\.[0-9a-f]{12}\.css", u) for u in urls), urls
    assert any(
        re.fullmatch(r"/bootstrap/static/css/bootstrap\.min\.[0-9a-f]{12}\.css", u) for u in urls
    ), urls
    assert any(
        re.fullmatch(r"/bootstrap/static/js/bootstrap\.min\.[0-9a-f]{12}\.js", u) for u in urls
    )
    assert all(re.search(r"\.[0-9a-f]{12}\.\w+$", u) for u in urls), urls
    # The icons come from the small sprite, not Bootstrap Icons' 1.1 MB one.
    assert "bootstrap-icons.svg" not in body
    assert re.search(r'<use href="/static/icons/icons\.[0-9a-f]{12}\.svg#star-fill"', body)


def test_a_fingerprinted_file_is_served_gzipped_and_cached_for_a_year(client):
    css = next(u for u in _assets_in(client.get("/auth/login").text) if "bootstrap.min" in u)
    r = client.get(css, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert r.status_code == 200
    assert r.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in r.headers["Vary"]
    cache = r.headers["Cache-Control"]
    assert "public" in cache and "immutable" in cache and "max-age=31536000" in cache
    assert "no-store" not in cache
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    original = (Path(assets.BOOTSTRAP_ICONS).parents[1] / "css/bootstrap.min.css").read_bytes()
    assert gzip.decompress(r.data) == original
    assert len(r.data) < len(original) / 4

    plain = client.get(css)
    assert "Content-Encoding" not in plain.headers and plain.data == original


def test_static_files_are_cached_for_a_logged_in_user_but_pages_are_not(login_as):
    c = login_as(make_user("alice"))
    home = c.get("/")
    assert home.headers["Cache-Control"] == "no-store"
    for url in _assets_in(home.text):
        r = c.get(url)
        assert r.status_code == 200, url
        assert "immutable" in r.headers["Cache-Control"], url
    # An unfingerprinted name still works (Flask's own route) and is not marked no-store.
    r = c.get("/static/css/app.css")
    assert r.status_code == 200 and "no-store" not in r.headers.get("Cache-Control", "")


def _sprite_ids(client, page: str) -> set[str]:
    sprite_url = re.search(r'<use href="([^"#]+)', page).group(1)
    sprite = client.get(sprite_url).get_data(as_text=True)
    assert len(sprite) < 50_000  # not Bootstrap Icons' 1.1 MB
    return set(re.findall(r'<symbol\b[^>]*\bid="([^"]+)"', sprite))


def test_every_icon_the_templates_use_is_in_the_sprite(client):
    used: set[str] = set()
    for path in [*(ROOT / "templates").rglob("*.html"), *(ROOT / "app").rglob("*.py")]:
        used |= {m.group(2) for m in assets.ICON_CALL.finditer(path.read_text("utf-8"))}
    assert used >= {"star-fill", "person-circle"}
    assert used | assets.EXTRA_ICONS <= _sprite_ids(client, client.get("/auth/login").text)


@pytest.mark.parametrize("role", [Role.COMMITTEE, Role.BRANCH_SECRETARY, Role.AGENT])
def test_icons_named_at_run_time_are_in_the_sprite(tree, login_as, role):
    # The home page's quick links pick their icons in Python (app.home.services.icon).
    grant = (role, tree.branch_a, tree.room_a) if role == Role.AGENT else (role, tree.branch_a)
    c = login_as(make_user("alice", grant))
    page = c.get("/").get_data(as_text=True)
    shown = set(re.findall(r'<use href="/static/icons/icons\.\w+\.svg#([^"]+)"', page))
    assert len(shown) > 2 and shown <= _sprite_ids(c, page)  # the brand, the menu, the links


def test_the_build_is_keyed_by_content(tmp_path):
    a = assets.fingerprinted("css/app.css", b"body{}")
    assert a == assets.fingerprinted("css/app.css", b"body{}")
    assert a != assets.fingerprinted("css/app.css", b"body{color:red}")
    assert re.fullmatch(r"css/app\.[0-9a-f]{12}\.css", a)
    name = assets._emit(tmp_path, "js/x.js", b"let x = 1;" * 100)
    assert (tmp_path / name).read_bytes() == b"let x = 1;" * 100
    assert gzip.decompress((tmp_path / (name + ".gz")).read_bytes()) == b"let x = 1;" * 100


def test_the_build_folder_can_be_set_for_a_server(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "ASSETS_DIR", str(tmp_path))
    assert assets.build_dir(app) == tmp_path
    result = assets.build(app, tmp_path)
    css = tmp_path / "static" / result.names["static"]["css/app.css"]
    assert css.read_bytes() == (ROOT / "static/css/app.css").read_bytes()
    sprite = tmp_path / "static" / result.names["static"][assets.SPRITE]
    assert sprite.is_file() and sprite.with_name(sprite.name + ".gz").is_file()
