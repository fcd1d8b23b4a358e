"""axe-core (tests/e2e/vendor/axe.min.js, 4.14.1, served from here: no CDN) on the main pages
of each role: no serious or critical violation (labels, contrast, names of links and buttons,
ARIA, landmarks). The moderate ones (heading order, regions) are printed, not failed."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.demo import DEMO_PASSWORD
from tests.e2e.support import DESKTOP, login, need_browser

need_browser()

pytestmark = pytest.mark.e2e

AXE = Path(__file__).parent / "vendor" / "axe.min.js"

# (login or None for the public, the pages a person of that role opens most)
PAGES = {
    None: ["/auth/login", "/guide/", "/guide/apply", "/guide/track"],
    "member": ["/", "/appraisal/", "/appraisal/mine"],
    "leader": ["/", "/appraisal/"],
    "secretary": ["/", "/roster/", "/roster/4", "/appraisal/", "/appraisal/957"],
    "committee": ["/", "/appraisal/periods/4", "/appraisal/periods/4/orgs/14", "/reports/"],
    "agent": ["/", "/cases/", "/cases/129", "/cases/points/1"],
}


def _violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 6).map(n => n.target.join(" ") + " :: " + n.failureSummary)
            }));
        }"""
    )


@pytest.mark.parametrize("username", list(PAGES), ids=lambda u: u or "public")
def test_main_pages_have_no_serious_violations(browser, live_server, username):
    # CSP forbids inline scripts, so the injected axe runs in a context that ignores the CSP.
    context = browser.new_context(
        base_url=live_server, locale="zh-CN", viewport=DESKTOP, bypass_csp=True
    )
    try:
        page = context.new_page()
        if username:
            login(page, username)
        serious, moderate = [], []
        for path in PAGES[username]:
            response = page.goto(path)
            assert response.ok, f"{path}: {response.status}"
            for v in _violations(page):
                (serious if v["impact"] in ("serious", "critical") else moderate).append((path, v))
        for path, v in moderate:
            print(f"[{username}] {path}: {v['impact']} {v['id']}: {v['help']}")
        assert not serious, "\n".join(
            f"{path}: {v['impact']} {v['id']} ({v['help']}): {v['nodes']}" for path, v in serious
        )
    finally:
        context.close()


def test_keyboard_alone_logs_in_and_opens_the_menu_on_a_phone(new_page):
    page = new_page("phone")
    page.goto("/auth/login")
    focused = "document.activeElement.id || document.activeElement.textContent.trim()"
    for _ in range(15):  # Tab from the top of the page to the user name field
        page.keyboard.press("Tab")
        if page.evaluate(focused) == "username":
            break
    assert page.evaluate(focused) == "username"
    page.keyboard.type("member")
    page.keyboard.press("Tab")
    assert page.evaluate(focused) == "password"
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/auth/login" not in url)

    for _ in range(10):  # the menu button is reachable and opens with Enter
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('aria-label')") == "菜单":
            break
    page.keyboard.press("Enter")
    menu_link = page.locator("#mainnav").get_by_role("link", name="写实考核", exact=True)
    menu_link.wait_for(state="visible")
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate(focused) == "写实考核":
            break
    page.keyboard.press("Enter")
    page.wait_for_url("**/appraisal/**")
