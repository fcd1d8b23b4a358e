"""Figures computed once per change: every way a write reaches the roster's tables gives the
topic a new token, a rolled-back write does not, and the roster's counts follow the data."""

from __future__ import annotations

from types import SimpleNamespace

from sqlalchemy import insert, update

from app.auth.models import Role
from app.common import parts, versions
from app.extensions import db
from app.roster.fields import PARTY_STATUS_LABELS
from app.roster.models import Member, PartyStatus, member_skill
from app.roster.skills import resolve_skills
from tests.factories import make_member, make_user


def _token() -> tuple[int, ...] | None:
    return versions.tokens(("roster",))


def test_orm_write_gives_a_new_token(tree):
    make_member(tree.group_a)
    before = _token()
    assert before is not None
    make_member(tree.group_a, name="王小明")
    assert _token() != before


def test_core_statements_on_the_session_give_a_new_token(tree):
    member = make_member(tree.group_a)
    before = _token()
    db.session.execute(update(Member).where(Member.id == member.id).values(is_hardship=True))
    db.session.commit()
    middle = _token()
    assert middle != before
    skill = resolve_skills(["驾驶"])[0]
    db.session.execute(insert(member_skill), [{"member_id": member.id, "skill_id": skill.id}])
    db.session.commit()
    assert _token() != middle


def test_a_rolled_back_write_keeps_the_token(tree):
    member = make_member(tree.group_a)
    before = _token()
    member.is_hardship = True
    db.session.flush()
    db.session.rollback()
    db.session.commit()
    assert _token() == before


def test_cached_recomputes_only_after_a_change(tree):
    make_member(tree.group_a)
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert versions.cached(("roster",), "k", compute) == 1
    assert versions.cached(("roster",), "k", compute) == 1
    assert versions.cached(("roster",), "other key", compute) == 2
    make_member(tree.group_a, name="王小明")
    assert versions.cached(("roster",), "k", compute) == 3


def test_a_topic_never_written_is_not_cached(app):
    calls = []
    versions.cached(("nothing yet",), "k", lambda: calls.append(1))
    versions.cached(("nothing yet",), "k", lambda: calls.append(1))
    assert len(calls) == 2


def test_roster_counts_follow_a_new_member(tree, login_as):
    normal = str(PARTY_STATUS_LABELS[PartyStatus.NORMAL])
    make_member(tree.group_a)
    secretary = make_user("sec", (Role.BRANCH_SECRETARY, tree.branch_a))
    client = login_as(secretary)
    assert f"{normal} (1)" in client.get("/roster/").get_data(as_text=True)
    make_member(tree.group_a, name="王小明")
    page = client.get("/roster/").get_data(as_text=True)
    assert f"{normal} (2)" in page and "王小明" in page


def test_a_table_of_two_topics_changes_both(tree):
    versions.watch("test-a", "org")
    versions.watch("test-b", "org")
    make_member(tree.group_a)
    tree.group_a.name = "改名的党小组"
    db.session.commit()
    before = versions.tokens(("test-a", "test-b", "roster"))
    tree.group_a.name = "又改名的党小组"
    db.session.commit()
    after = versions.tokens(("test-a", "test-b", "roster"))
    assert before is not None and after is not None
    assert all(b != a for b, a in zip(before, after, strict=True))


def test_a_request_reads_the_tokens_once_until_it_commits(app, tree, count_queries):
    make_member(tree.group_a)
    with app.test_request_context("/"):
        with count_queries() as first:
            before = _token()
            assert _token() == before and versions.tokens(("roster", "roster")) is not None
        assert first.count == 1
        make_member(tree.group_a, name="王小明")  # commits: the request reads the tokens again
        with count_queries() as again:
            assert _token() != before
        assert again.count == 1


def test_a_login_leaves_the_accounts_figures_kept(tree, login_as):
    """A login writes only its time on the account: the figures over accounts stay kept;
    deactivating the account (what the health rate reads) gives a new token."""
    user = make_user("agent-login", (Role.BRANCH_SECRETARY, tree.branch_a))
    before = versions.tokens(("accounts",))
    assert before is not None
    login_as(user)
    db.session.expire_all()
    assert user.last_login_at is not None
    assert versions.tokens(("accounts",)) == before
    user.is_active = False
    db.session.commit()
    assert versions.tokens(("accounts",)) != before


def test_every_topic_gets_a_token_at_start_and_keeps_the_ones_it_has(tree):
    """A topic nobody has written yet gets a token as the server starts (so what reads it is
    kept); a topic that has one keeps it (a restart leaves the kept figures valid)."""
    from app.common.versions import DataVersion

    make_member(tree.group_a)
    db.session.execute(DataVersion.__table__.delete().where(DataVersion.topic == "duty"))
    db.session.commit()
    roster = versions.tokens(("roster",))
    assert versions.tokens(("duty",)) is None
    versions.ensure_tokens(db.engine)
    db.session.expire_all()
    db.session.commit()
    assert versions.tokens(("duty",)) is not None
    assert versions.tokens(("roster",)) == roster
    duty = versions.tokens(("duty",))
    versions.ensure_tokens(db.engine)
    db.session.commit()
    assert versions.tokens(("duty",)) == duty


def test_a_page_reads_the_tokens_with_the_session_not_apart(tree, login_as, count_queries):
    """The figures' tokens come with the session's statement: a kept page runs no statement
    of its own for them, and still shows a change made by another request at once."""
    make_member(tree.group_a, name="张三")
    client = login_as(make_user("cmte", (Role.COMMITTEE, tree.committee)))
    client.get("/roster/")
    with count_queries() as q:
        assert "张三" in client.get("/roster/").get_data(as_text=True)
    assert not any(s.lstrip().startswith("SELECT data_version") for s in q.statements)
    assert any("data_version" in s and "user_session" in s for s in q.statements)
    make_member(tree.group_a, name="李四")
    assert "李四" in client.get("/roster/").get_data(as_text=True)


def test_a_month_is_the_local_month():
    from datetime import UTC, date, datetime

    # 16:30 UTC on September 30 is half past midnight on October 1 in Beijing.
    assert parts.month_of(datetime(2026, 9, 30, 16, 30, tzinfo=UTC)) == "2026-10"
    assert parts.month_of(datetime(2026, 9, 30, 15, 30, tzinfo=UTC)) == "2026-09"
    assert parts.month_of(date(2026, 1, 31)) == "2026-01"


def test_a_month_nobody_wrote_is_kept_under_its_topic(tree):
    make_member(tree.group_a)  # the roster topic has a token
    topics = ("roster", parts.part_topic("roster", "2031-01"))
    assert versions.tokens(topics) is not None  # the month counts as 0
    assert versions.tokens((parts.part_topic("no-topic", "2031-01"), "no-topic")) is None


def test_cached_parts_computes_only_the_missing_parts_together(tree):
    make_member(tree.group_a)
    asked: list[list[int]] = []

    def compute(missing: list[int]) -> list[str]:
        asked.append(missing)
        return [f"v{i}-{len(asked)}" for i in missing]

    may = ("roster", parts.part_topic("roster", "2031-05"))
    june = ("roster", parts.part_topic("roster", "2031-06"))
    both = [(may, "may"), (june, "june")]
    assert versions.cached_parts(both, compute) == ["v0-1", "v1-1"]
    assert versions.cached_parts(both, compute) == ["v0-1", "v1-1"] and len(asked) == 1
    versions.bump(db.session, [parts.part_topic("roster", "2031-06")])
    db.session.commit()
    assert versions.cached_parts(both, compute) == ["v0-1", "v1-2"]
    assert asked[-1] == [1]  # June alone
    never = [(("no-topic",), "x")]  # a topic without a token: computed, never kept
    assert versions.cached_parts(never, compute) == ["v0-3"]
    assert versions.cached_parts(never, compute) == ["v0-4"]


def test_kept_figures_expire_within_the_bound_each_at_its_own_moment(tree, monkeypatch):
    """A figure is never served past the staleness bound (a write that bypassed the session
    shows within it), and figures computed together expire at moments spread over the bound's
    second half, so that no one view counts them all again."""
    now = [1000.0]
    monkeypatch.setattr(versions.time, "monotonic", lambda: now[0])
    draws = iter([k / 12 for k in range(12)] * 2)
    monkeypatch.setattr(versions, "random", SimpleNamespace(random=lambda: next(draws)))
    make_member(tree.group_a)
    asked: list[list[int]] = []

    def compute(missing: list[int]) -> list[int]:
        asked.append(missing)
        return [0] * len(missing)

    months = [(("roster", parts.part_topic("roster", f"2031-{m:02d}")), m) for m in range(1, 13)]
    versions.cached_parts(months, compute)
    first_again: dict[int, float] = {}  # month index -> when it was first counted again
    step = versions._MAX_AGE / 60
    while now[0] <= 1000.0 + versions._MAX_AGE:
        now[0] += step
        before = len(asked)
        versions.cached_parts(months, compute)
        for i in (i for batch in asked[before:] for i in batch):
            first_again.setdefault(i, now[0] - 1000.0)
    assert sorted(first_again) == list(range(12))  # every month, within the bound
    assert min(first_again.values()) > versions._MAX_AGE / 2
    assert max(first_again.values()) <= versions._MAX_AGE + step
    assert max(len(batch) for batch in asked[1:]) <= 2  # a few at a time, not all twelve
