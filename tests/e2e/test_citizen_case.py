"""A citizen applies online on a phone, an agent handles the case, the citizen tracks and
rates it."""

from __future__ import annotations

import re

import pytest

from tests.e2e.support import login, nav, need_browser, shot, shot_both

need_browser()

from playwright.sync_api import expect  # noqa: E402

pytestmark = pytest.mark.e2e

PHONE_NUMBER = "13912345678"


def test_citizen_applies_agent_handles_citizen_rates(new_page):
    citizen = new_page("phone")
    citizen.goto("/guide/")
    shot(citizen, "guide")
    citizen.get_by_role("link", name="在线申办").first.click()
    expect(citizen.get_by_role("heading", level=1)).to_have_text("在线申办")
    citizen.get_by_label("事项").select_option(label="高龄补贴申领（村为民服务室）")
    citizen.get_by_label("服务点").select_option(label="泉湖村为民服务室")
    citizen.get_by_label("您的姓名").fill("王大妈")
    citizen.get_by_label("手机号码").fill(PHONE_NUMBER)
    citizen.get_by_label("所在村（社区）").fill("泉湖村三组")
    citizen.get_by_label("您需要办理什么事？").fill("想申请高龄补贴，老人今年81岁。")
    shot(citizen, "case-apply")
    citizen.get_by_role("button", name="提交申请").click()
    expect(citizen.get_by_role("heading", level=1)).to_have_text("申请已收到")
    code = citizen.locator("#tracking-code").inner_text().strip()
    number = re.search(r"泉湖村室〔\d{4}〕\d{4}", citizen.locator("main").inner_text()).group(0)
    shot(citizen, "case-applied")

    agent = new_page("desktop")
    login(agent, "agent")
    nav(agent, "代理事项")
    agent.get_by_role("link", name="泉湖村为民服务室").first.click()
    agent.get_by_label("状态").select_option(label="待受理")
    agent.get_by_role("button", name="筛选").click()
    shot_both(agent, "case-board")
    agent.get_by_role("link", name=number).click()
    expect(agent.get_by_role("heading", level=1)).to_contain_text("高龄补贴申领")
    shot_both(agent, "case-new")
    agent.get_by_label("办件类型").select_option(label="即办件：当场办结，填写办理结果")
    for material in ("身份证", "户口簿", "银行卡"):
        agent.get_by_label(material, exact=True).check()
    agent.get_by_label("当场交付的办理结果").fill("已为老人办理高龄补贴申领，次月起按月发放。")
    agent.get_by_role("button", name="受理", exact=True).click()
    expect(agent.get_by_text("已反馈，待评价").first).to_be_visible()
    shot(agent, "case-handled")

    citizen.get_by_role("link", name="查询办理进度").first.click()
    citizen.get_by_label("查询码").fill(code)
    citizen.get_by_label("手机号码").fill(PHONE_NUMBER)
    citizen.get_by_role("button", name="查询办理进度").click()
    expect(citizen.locator("#case-status")).to_have_text("已反馈，待评价")
    expect(citizen.get_by_text("次月起按月发放").first).to_be_visible()
    shot(citizen, "case-track")
    citizen.get_by_label("非常满意").check()
    citizen.get_by_role("button", name=re.compile("评价")).click()
    expect(citizen.locator("#case-status")).to_have_text("已评价")
    expect(citizen.locator("#your-rating")).to_contain_text("非常满意")
    shot(citizen, "case-rated")

    agent.reload()
    expect(agent.get_by_text("已评价").first).to_be_visible()
