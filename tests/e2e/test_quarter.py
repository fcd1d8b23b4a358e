"""A whole quarter: a member writes and submits the self-record on a phone, the group leader
signs it, the branch secretary gives the branch opinion and vetoes another record, the
committee spot-checks and closes the quarter."""

from __future__ import annotations

import re

import pytest

from tests.e2e.support import login, nav, need_browser, shot, shot_both

need_browser()

from playwright.sync_api import expect  # noqa: E402

pytestmark = pytest.mark.e2e

SELF_RECORD = {
    "政治思想": "学习党的二十大精神，参加专题学习12小时。",
    "党性观念": "按时参加主题党日，按时交纳党费。",
    "本职工作": "完成村里安排的防汛值守任务。",
    "思想工作": "与三户群众谈心，帮助解决用水问题。",
    "技术业务": "参加农技培训并通过考试。",
}


@pytest.fixture(scope="module")
def live_server_config() -> dict:
    # The demo's fourth quarter still runs (its deadlines lie ahead): the committee may close
    # it early with a reason, a documented setting.
    return {"APPRAISAL_EARLY_CLOSE": "reason"}


def _step_field(page, label: str):
    """The visible field ``label`` of the step forms (several forms share a label)."""
    return page.get_by_label(label, exact=True).filter(visible=True).first


def _unfold(page, text: str) -> None:
    """Open the folded sections (<details>) whose title names ``text``, outermost first."""
    for _ in range(3):
        closed = page.locator("details:not([open]) > summary").filter(has_text=text)
        closed = closed.filter(visible=True)
        if not closed.count():
            return
        closed.first.click()


def test_a_whole_quarter(new_page):
    member = new_page("phone")
    login(member, "member")
    shot(member, "quarter-member-home")
    nav(member, "写实考核")
    member.get_by_role("link", name=re.compile("2026年第4季度")).first.click()
    expect(member.get_by_role("heading", level=1)).to_contain_text("2026年第4季度")
    record_url = member.url
    for dimension, text in SELF_RECORD.items():
        member.get_by_label(dimension, exact=True).fill(text)
    shot(member, "quarter-self-record")
    member.get_by_role("button", name="提交党小组签署").first.click()
    expect(member.get_by_text("待党小组签署").first).to_be_visible()
    shot(member, "quarter-submitted")

    leader = new_page("desktop")
    login(leader, "leader")
    nav(leader, "写实考核")
    leader.get_by_role("link", name=re.compile("赵红梅")).first.click()
    assert leader.url == record_url
    _step_field(leader, "意见或理由").fill("学习认真，任务完成好，同意。")
    shot(leader, "quarter-leader-sign")
    leader.get_by_role("button", name="签署", exact=True).click()
    expect(leader.get_by_role("alert").first).to_contain_text("已签署")

    secretary = new_page("desktop")
    login(secretary, "secretary")
    secretary.goto(record_url)
    form = secretary.locator("form").filter(
        has=secretary.get_by_role("button", name="录入支委会考核意见")
    )
    form.get_by_label("支委会会议日期").select_option(index=1)
    form.get_by_label("群众反映").fill("群众反映良好。")
    form.get_by_label("考核等次").select_option(label="合格")
    form.get_by_label("意见或理由").fill("支委会评定为合格。")
    shot_both(secretary, "quarter-secretary-assess")
    form.get_by_role("button", name="录入支委会考核意见").click()
    expect(secretary.get_by_text("合格").first).to_be_visible()

    nav(secretary, "写实考核")
    # The record's page loaded before its sections are unfolded (under load the inbox would
    # still be there, with nothing to unfold, and the veto form would stay folded).
    with secretary.expect_navigation():
        secretary.get_by_role("link", name=re.compile("史刚")).first.click()
    _unfold(secretary, "一票否决")
    veto = secretary.locator("form").filter(has=secretary.get_by_role("button", name="一票否决"))
    veto.get_by_label("一票否决类别").select_option(label="严重违纪")
    veto.get_by_label("意见或理由").fill("经查实存在严重违纪行为，支委会决定一票否决。")
    shot(secretary, "quarter-veto")
    veto.get_by_role("button", name="一票否决").click()
    expect(secretary.get_by_text("不合格").first).to_be_visible()

    committee = new_page("desktop")
    login(committee, "committee")
    nav(committee, "写实考核")
    committee.get_by_role("link", name="考核季度").click()
    committee.get_by_role("link", name=re.compile("2026年第4季度")).first.click()
    shot_both(committee, "quarter-period")
    committee.get_by_role("button", name="抽取样本").click()
    expect(committee.get_by_text(re.compile(r"已抽取 \d+ 条记录"))).to_be_visible()
    nav(committee, "写实考核")
    committee.locator("main").get_by_role("link", name=re.compile("2026年第4季度")).first.click()
    shot(committee, "quarter-spot-check")
    committee.get_by_role("button", name="确认结果").click()
    expect(committee.get_by_role("alert").first).to_be_visible()

    nav(committee, "写实考核")
    committee.get_by_role("link", name="考核季度").click()
    committee.get_by_role("link", name=re.compile("2026年第4季度")).first.click()
    committee.get_by_role("link", name="关闭本季度").click()
    committee.locator("main form textarea").fill("年终集中考核，未完成的记录按现状冻结。")
    shot_both(committee, "quarter-close")
    committee.get_by_role("button", name="关闭本季度").click(timeout=60_000)  # freezes the quarter
    expect(committee.get_by_text(re.compile("已关闭|closed")).first).to_be_visible()

    member.goto(record_url)
    expect(member.get_by_text("已关闭").first).to_be_visible()
    shot(member, "quarter-closed-record")
