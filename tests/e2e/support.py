"""Helpers the end-to-end tests import (the fixtures are in conftest.py).

- ``need_browser()``: call at the top of a test module, before importing Playwright; it skips
  the module with a clear message when the ``playwright`` package or Chromium is missing.
- ``login(page, username)``: log in through the real form with the demo password.
- ``shot(page, name)``: a full-page PNG ``e2e-screenshots/<name>-<desktop|phone>.png`` at the
  repository root (git-ignored), the width deciding the suffix.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
from pathlib import Path

import pytest

from app.demo import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parents[2]
SHOTS_DIR = ROOT / "e2e-screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


def find_chromium() -> str | None:
    """The system's Chromium (Debian package ``chromium``); never a downloaded one."""
    for candidate in (
        "/usr/bin/chromium",
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def missing_reason() -> str | None:
    """Why the end-to-end tests cannot run here, or None when they can."""
    if importlib.util.find_spec("playwright") is None:
        return (
            "end-to-end tests skipped: the playwright package is not installed "
            "(pip install -e '.[dev]')"
        )
    if find_chromium() is None:
        return (
            "end-to-end tests skipped: no Chromium at /usr/bin/chromium or on PATH "
            "(Debian: apt-get install chromium fonts-noto-cjk)"
        )
    return None


def need_browser() -> None:
    """Skip the calling test module when Playwright or Chromium is missing."""
    reason = missing_reason()
    if reason:
        pytest.skip(reason, allow_module_level=True)


def login(page, username: str, password: str = DEMO_PASSWORD) -> None:
    """Log ``page`` in as ``username`` through the login form, as a person would."""
    page.goto("/auth/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    assert "/auth/login" not in page.url, f"login as {username} failed: {page.url}"


def logout(page) -> None:
    """Forget the session: a fresh start for the next user on the same page."""
    page.context.clear_cookies()


def shot(page, name: str) -> Path:
    """Save a full-page screenshot of ``page`` as e2e-screenshots/<name>-<desktop|phone>.png."""
    SHOTS_DIR.mkdir(exist_ok=True)
    width = (page.viewport_size or DESKTOP)["width"]
    path = SHOTS_DIR / f"{name}-{'phone' if width < 700 else 'desktop'}.png"
    page.screenshot(path=str(path), full_page=True)
    wide = page.evaluate("document.documentElement.scrollWidth")
    if wide > width + 1:  # the page scrolls sideways: a table or a line does not fit
        print(f"overflow: {path.name} is {wide}px wide in a {width}px window")
    for phrase in english_phrases(page):
        print(f"english: {path.name}: {phrase}")
    return path


def english_phrases(page) -> list[str]:
    """Runs of three or more English words in the page's visible text: in the Chinese UI, a
    string without its translation."""
    text = page.locator("body").inner_text()
    found = re.findall(r"[A-Za-z][A-Za-z'’,-]*(?: [A-Za-z][A-Za-z'’,.-]*){2,}", text)
    return sorted(set(found))


def nav(page, name: str) -> None:
    """Click the main menu's link ``name``, opening the menu first on a narrow screen."""
    toggler = page.get_by_role("button", name="菜单")
    if toggler.is_visible():
        toggler.click()
    page.locator("#mainnav").get_by_role("link", name=name, exact=True).click()
    page.wait_for_load_state()


def shot_both(page, name: str) -> None:
    """Screenshots of ``page`` at desktop and at phone width (the window is put back)."""
    size = page.viewport_size or DESKTOP
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        shot(page, name)
    page.set_viewport_size(size)
