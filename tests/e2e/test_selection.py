"""The committee runs a 七一 round: a branch nominates, the committee approves, closes the
nominations, publishes the notice and downloads the list."""

from __future__ import annotations

import re

import openpyxl
import pytest

from tests.e2e.support import login, nav, need_browser, shot, shot_both

need_browser()

from playwright.sync_api import expect  # noqa: E402

pytestmark = pytest.mark.e2e

ROUND = '2027年"七一"优秀共产党员评选'


def test_committee_runs_a_july_first_round(new_page, tmp_path):
    secretary = new_page("desktop")
    login(secretary, "secretary")
    nav(secretary, "七一评选")
    secretary.get_by_role("link", name=ROUND).click()
    secretary.get_by_role("link", name="泉湖村党支部").first.click()
    shot_both(secretary, "selection-branch")
    row = secretary.locator("main table tbody tr").filter(has_text="张国强")
    row.get_by_role("link", name="推荐").click()
    secretary.get_by_label(re.compile("推荐理由")).fill("长期坚持为民代办，群众评价满意。")
    secretary.get_by_label(re.compile("主要事迹")).fill("带头开展为民代办，全年代办事项30余件")
    shot(secretary, "selection-nominate")
    secretary.get_by_role("button", name="推荐").click()
    expect(secretary.get_by_text("已推荐，待党委审核").first).to_be_visible()

    committee = new_page("desktop")
    login(committee, "committee")
    nav(committee, "七一评选")
    committee.get_by_role("link", name=ROUND).click()
    shot(committee, "selection-round")
    round_url = committee.url
    pending = committee.locator("main table tbody tr").filter(has_text="已推荐，待党委审核")
    links = pending.get_by_role("link")
    nominations = {a.inner_text().strip(): a.get_attribute("href") for a in links.all()}
    assert "张国强" in nominations
    for href in nominations.values():  # each nomination's page, one after the other
        committee.goto(href)
        committee.get_by_role("button", name="审核通过").click()
        expect(committee.get_by_text("党委已审核通过").first).to_be_visible()
    committee.goto(round_url)
    expect(pending).to_have_count(0)
    shot(committee, "selection-approved")
    committee.get_by_role("button", name="截止推荐").click()
    expect(committee.get_by_role("button", name="发布公示")).to_be_visible()
    committee.get_by_role("button", name="发布公示").click()
    shot_both(committee, "selection-notice")

    with committee.expect_download() as download:
        committee.get_by_role("link", name=re.compile("名单（Excel）")).first.click()
    download.value.save_as(tmp_path / "list.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "list.xlsx")
    cells = {str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value}
    assert "张国强" in cells
    assert {"姓名", "主要事迹"} <= cells
    assert "带头开展为民代办，全年代办事项30余件" in cells
