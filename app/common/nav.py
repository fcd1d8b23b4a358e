"""The navigation bar's links, rendered once per user, role set, language and section.

Every logged-in page shows the same dozen links, each behind a permission check, a URL build
and a translation. Which links a user sees depends only on her grants, so the rendered list is
kept per process under (user, grants, language, active section) for a minute, which also bounds
how long a change of a rule's other inputs (an organisation moved) takes to show.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

from flask import current_app, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from app import policy
from app.policy.core import real

# (label, endpoint linked to, endpoint prefixes that mark it active, permission or None)
LINKS = (
    (_l("Home"), "home.index", ("home.index",), None),
    (_l("Appraisal"), "appraisal.inbox", ("appraisal.",), None),
    (_l("七一 selection"), "selection.rounds", ("selection.",), "selection.list"),
    (_l("Roster"), "roster.member_list", ("roster.",), "roster.list"),
    (_l("Cases"), "cases.case_list", ("cases.",), "case.list"),
    (_l("Service network"), "network.index", ("network.",), "network.view"),
    (_l("Service agency"), "volunteers.item_list", ("volunteers.",), "volunteers.list"),
    (_l("Reports"), "reports.index", ("reports.",), "report.view"),
    (_l("Organisations"), "orgs.org_list", ("orgs.org",), "org.list"),
    (_l("Service points"), "orgs.service_point_list", ("orgs.service_point",), "org.list"),
    (_l("Accounts"), "auth.user_list", ("auth.user", "auth.grant"), "user.manage"),
    (_l("Audit log"), "audit.event_list", ("audit.",), "audit.view"),
)
_TTL = 60.0
_MAX_ENTRIES = 4096
_lock = threading.Lock()
_memo: OrderedDict[tuple, tuple[float, Markup]] = OrderedDict()


def _section(endpoint: str) -> int:
    """The index of the link the endpoint belongs to, or -1."""
    for i, (_label, _ep, prefixes, _action) in enumerate(LINKS):
        if endpoint.startswith(prefixes):
            return i
    return -1


def _render(user, active: int) -> Markup:
    items = [
        (str(label), url_for(endpoint), i == active)
        for i, (label, endpoint, _prefixes, action) in enumerate(LINKS)
        if action is None or policy.can(user, action)
    ]
    template = current_app.jinja_env.get_template("_nav_links.html")
    # An autoescaped .html template's output: the labels and URLs in it are escaped.
    return Markup(template.render(items=items))  # noqa: S704


def nav_links() -> Markup:
    """The current user's navigation links, the current section's marked active."""
    user = real(current_user)
    grants = tuple(
        sorted(
            (g.role, g.org_id, g.org.path, g.org.is_active, g.service_point_id or 0)
            for g in user.grants
        )
    )
    active = _section(request.endpoint or "")
    key = (user.id, user.is_active, grants, str(get_locale()), active)
    now = time.monotonic()
    with _lock:
        hit = _memo.get(key)
        if hit is not None and now - hit[0] < _TTL:
            _memo.move_to_end(key)
            return hit[1]
    html = _render(user, active)
    with _lock:
        _memo[key] = (now, html)
        while len(_memo) > _MAX_ENTRIES:
            _memo.popitem(last=False)
    return html


def clear_memo() -> None:
    with _lock:
        _memo.clear()
