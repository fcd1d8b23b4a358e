"""Posts for members without posts (无职党员设岗定责): posts, who holds them, what they did."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app import audit, policy
from app.auth.models import User
from app.common import timeutil
from app.errors import FieldErrors, NotFound, PermissionDenied
from app.extensions import db
from app.orgs.models import Org, OrgKind
from app.orgs.services import scoped_orgs
from app.roster.models import Member
from app.roster.search import MemberFilters, filtered_stmt
from app.volunteers.models import Post, PostAssignment, PostRecord


def _posts_stmt(user: User):
    """Posts in one's subtree and those of the orgs above (a member sees their branch's)."""
    roles = policy.reach_roles("volunteers.posts")
    return select(Post).where(policy.reach(Post.org_id, user, roles), Post.is_active)


def posts_for(user: User) -> list[Post]:
    stmt = _posts_stmt(user).join(Org, Org.id == Post.org_id).order_by(Org.path, Post.name)
    return list(db.session.scalars(stmt))


def get_post(user: User, post_id: int) -> Post:
    """A post the user reaches; NotFound otherwise."""
    post = db.session.scalar(_posts_stmt(user).where(Post.id == post_id))
    if post is None:
        raise NotFound(_l("No such post in your scope."))
    return post


def manageable_orgs(user: User) -> list[Org]:
    """The organisations where ``user`` may set up posts (committees and branches)."""
    kinds = (OrgKind.BRANCH, OrgKind.GENERAL_BRANCH, OrgKind.COMMITTEE)
    return [
        o for o in scoped_orgs(user, kinds=kinds) if policy.can(user, "volunteers.posts_manage", o)
    ]


def assignable_members(user: User, post: Post, limit: int = 300) -> list[Member]:
    """Members without posts of the post's org whom ``user`` may give the post (none when the
    user may not manage the post)."""
    if not policy.can(user, "volunteers.posts_manage", post.org):
        return []
    stmt = filtered_stmt(user, MemberFilters(post_kind="no_post", org_id=post.org_id))
    return list(db.session.scalars(stmt.order_by(Member.surname_strokes).limit(limit)))


def recordable_members(user: User, holders_: list[PostAssignment]) -> list[Member]:
    """The holders whose work ``user`` may record."""
    return [h.member for h in holders_ if policy.can(user, "volunteers.post_record", h.member)]


def create_post(actor: User, org: Org, name: str, duties: str) -> Post:
    if not policy.can(actor, "volunteers.posts_manage", org):
        raise PermissionDenied(_l("You may not set up posts here."))
    name = " ".join((name or "").split())[:60]
    if not name:
        raise FieldErrors({"name": str(_l("This field is required."))})
    if db.session.scalar(select(Post.id).where(Post.org_id == org.id, Post.name == name)):
        raise FieldErrors({"name": str(_l("This organisation already has a post of that name."))})
    post = Post(org_id=org.id, name=name, duties=(duties or "").strip()[:2000])
    db.session.add(post)
    db.session.flush()
    audit.record(actor, "volunteers.post_create", post, org_path=org.path)
    return post


def assign(actor: User, post: Post, member: Member) -> None:
    if not policy.can(actor, "volunteers.posts_manage", post.org):
        raise PermissionDenied(_l("You may not set up posts here."))
    if member.post_kind != "no_post":
        raise FieldErrors({"member_id": str(_l("Posts are for members without posts."))})
    if _holds(post, member):
        raise FieldErrors({"member_id": str(_l("This member already holds the post."))})
    db.session.add(PostAssignment(post_id=post.id, member_id=member.id))
    audit.record(actor, "volunteers.post_assign", post, org_path=post.org.path, member_id=member.id)


@dataclass
class Holders:
    """The holders of a post ``user`` may see, and how many others hold it out of their reach
    (a township's post seen from one branch: the other branches' holders are only counted)."""

    shown: list[PostAssignment]
    hidden: int


def holders(user: User, post: Post) -> Holders:
    """Who holds the post, as far as ``user`` reaches them (the roster's reach). Two queries."""
    stmt = (
        select(PostAssignment)
        .where(PostAssignment.post_id == post.id)
        .options(joinedload(PostAssignment.member).joinedload(Member.org))
        .order_by(PostAssignment.id)
    )
    shown = list(db.session.scalars(policy.scope(stmt, user, PostAssignment)).unique())
    total = db.session.scalar(
        select(func.count(PostAssignment.id)).where(PostAssignment.post_id == post.id)
    )
    return Holders(shown, (total or 0) - len(shown))


def _holds(post: Post, member: Member) -> bool:
    return bool(
        db.session.scalar(
            select(PostAssignment.id).where(
                PostAssignment.post_id == post.id, PostAssignment.member_id == member.id
            )
        )
    )


def records(user: User, post: Post) -> list[PostRecord]:
    """What was done on the post, by the holders ``user`` reaches only."""
    stmt = (
        select(PostRecord)
        .where(PostRecord.post_id == post.id)
        .order_by(PostRecord.occurred_on.desc(), PostRecord.id.desc())
        .limit(200)
    )
    return list(db.session.scalars(policy.scope(stmt, user, PostRecord)))


def add_record(
    actor: User, post: Post, member: Member, occurred_on: date | None, summary: str
) -> PostRecord:
    """The holder (or their secretary) records what was done on the post."""
    if not policy.can(actor, "volunteers.post_record", member):
        raise PermissionDenied(_l("Only the holder or their branch records this."))
    errors = {}
    if not _holds(post, member):
        errors["member_id"] = str(_l("This member does not hold the post."))
    if occurred_on is None:
        errors["occurred_on"] = str(_l("Give the date."))
    elif occurred_on > timeutil.today():
        errors["occurred_on"] = str(_l("This date is in the future."))
    summary = (summary or "").strip()[:2000]
    if len(summary) < 2:
        errors["summary"] = str(_l("Say what was done."))
    if errors:
        raise FieldErrors(errors)
    rec = PostRecord(
        post_id=post.id,
        member_id=member.id,
        occurred_on=occurred_on,
        summary=summary,
        recorded_by_id=actor.id,
    )
    db.session.add(rec)
    db.session.flush()
    return rec
