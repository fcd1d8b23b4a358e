"""Every audit action and detail key that the code records has a label, so the log reads in
words: the test reads the source for each ``audit.record(...)`` call."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

import app as app_package
from app.audit.labels import (
    ACTION_LABELS,
    DETAIL_LABELS,
    HIDDEN_DETAILS,
    LOGIN_FAILURES,
    describe,
)
from app.audit.writer import record

APP_DIR = Path(app_package.__file__).parent
# record()'s own parameters, not details.
RECORD_PARAMS = {"result", "org_path", "actor_name"}


def _record_calls():
    """(module name, call node, enclosing class, module tree) for every call of the audit
    writer: ``audit.record(...)``, or ``self.record(...)`` where the workflow core was given it."""
    for path in sorted(APP_DIR.rglob("*.py")):
        if path.parent.name == "audit":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        module = ".".join(path.relative_to(APP_DIR.parent).with_suffix("").parts)
        module = module.removesuffix(".__init__")
        for cls, node in _walk(tree, None):
            func = node.func
            if (
                isinstance(func, ast.Attribute)
                and func.attr == "record"
                and isinstance(func.value, ast.Name)
                # audit.record, or the writer a workflow was handed (app/workflow.py)
                and func.value.id in ("audit", "self")
            ):
                yield module, node, cls, tree


def _walk(node, cls):
    for child in ast.iter_child_nodes(node):
        inner = child.name if isinstance(child, ast.ClassDef) else cls
        if isinstance(child, ast.Call):
            yield cls, child
        yield from _walk(child, inner)


def _strings_flowing_into(name: str, tree: ast.Module) -> set[str]:
    """String constants a variable is given in its module: ``name = "x"``, ``name="x"`` in a
    call, or returned by a function named for it (``_change_kind`` for ``kind``)."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            found |= _constants(node.value)
        elif isinstance(node, ast.keyword) and node.arg == name:
            found |= _constants(node.value)
        elif isinstance(node, ast.FunctionDef) and name in node.name:
            for ret in ast.walk(node):
                if isinstance(ret, ast.Return) and ret.value is not None:
                    found |= _constants(ret.value)
    return found


def _constants(node: ast.AST) -> set[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _constants(node.body) | _constants(node.orelse)
    return set()


def _instances_of(module: str, class_name: str) -> list:
    """Every module-level instance of ``module.class_name`` anywhere in app/."""
    cls = getattr(importlib.import_module(module), class_name)
    found = []
    for info in pkgutil.walk_packages(app_package.__path__, "app."):
        mod = importlib.import_module(info.name)
        found += [v for v in vars(mod).values() if isinstance(v, cls)]
    return found


def _actions(module: str, node: ast.Call, cls: str | None, tree: ast.Module) -> set[str]:
    action = node.args[1]
    if isinstance(action, ast.Constant | ast.IfExp):
        return _constants(action)
    assert isinstance(action, ast.JoinedStr), f"{module}: action is {ast.unparse(action)}"
    source = ast.unparse(action)
    if source == "f'{self.name}.{action}'" and cls is not None:
        # The shared workflow core: one event per action in each feature's transition table.
        return {
            f"{wf.name}.{step}"
            for wf in _instances_of(module, cls)
            for (_state, step) in wf.transitions
        }
    prefix, value = action.values
    assert isinstance(prefix, ast.Constant), f"{module}: teach this test {source}"
    expr = value.value
    if isinstance(expr, ast.Name):
        return {prefix.value + v for v in _strings_flowing_into(expr.id, tree)}
    if isinstance(expr, ast.Attribute) and expr.attr == "value":
        # An enum member's value: every member of the enum named for the variable.
        enum = getattr(importlib.import_module(module), ast.unparse(expr.value).title())
        return {prefix.value + m.value for m in enum}
    raise AssertionError(f"{module}: teach this test the values of {source}")


def _recorded():
    actions: dict[str, str] = {}
    keys: dict[str, str] = {}
    for module, node, cls, tree in _record_calls():
        for a in _actions(module, node, cls, tree):
            actions[a] = module
        for kw in node.keywords:
            if kw.arg and kw.arg not in RECORD_PARAMS:
                keys[kw.arg] = module
    return actions, keys


def test_the_source_scan_finds_the_known_actions(app):
    actions, keys = _recorded()
    assert {"auth.login", "role.grant", "member.create", "member.transfer"} <= set(actions)
    assert {"appraisal.submit", "appraisal.close", "appraisal.reopen"} <= set(actions)
    assert {"from_status", "to_status", "published", "reason"} <= set(keys)
    assert len(actions) > 50


def test_every_recorded_action_has_a_label(app):
    actions, _ = _recorded()
    missing = sorted(f"{a} ({m})" for a, m in actions.items() if a not in ACTION_LABELS)
    assert missing == [], "add these to ACTION_LABELS in app/audit/labels.py"


def test_every_recorded_detail_has_a_label(app):
    _, keys = _recorded()
    missing = sorted(
        f"{k} ({m})" for k, m in keys.items() if k not in DETAIL_LABELS and k not in HIDDEN_DETAILS
    )
    assert missing == [], "add these to DETAIL_LABELS in app/audit/labels.py"


# Values in words; each label here is already in the catalogue, so the page reads Chinese now.
@pytest.mark.parametrize(
    ("action", "details", "expected"),
    [
        (
            "appraisal.close",
            {"from_status": "assessed", "to_status": "closed"},
            {"from_status": "已评定", "to_status": "已关闭"},
        ),
        ("volunteers.item_save", {"published": True}, {"published": "是"}),
        ("appraisal.area_person", {"is_key": False}, {"is_key": "否"}),
        (
            "role.grant",
            {"role": "branch_secretary", "org": "泉湖村党支部"},
            {"role": "支部书记", "org": "泉湖村党支部"},
        ),
        ("volunteers.designate", {"role": "backup"}, {"role": "B 岗（备岗）"}),
        ("org.create", {"kind": "branch"}, {"kind": "党支部"}),
        ("member.update", {"fields": ["name", "post_kind"]}, {"fields": "姓名、任职情况"}),
        ("service_point.update", {"fields": ["name", "hotline"]}, {"fields": "名称、服务热线"}),
        ("member.unmask", {"reason": "核对党费"}, {"reason": "核对党费"}),
        ("appraisal.draw_sample", {"share": 0.1}, {"share": "10%"}),
        (
            "appraisal.close_period",
            {"unfinished": {"draft": 3, "signed": 1}},
            {"unfinished": "写实记录填写中：3；待支部评定：1"},
        ),
        (
            "roster.export",
            {"filters": {"q": "…", "membership": "full"}},
            {"filters": "搜索：…；党员类别：正式党员"},
        ),
    ],
)
def test_details_read_in_words(app, action, details, expected):
    with app.test_request_context(), force_locale("zh_Hans"):
        shown = describe(action, details)
        labels = [str(DETAIL_LABELS[k]) for k in expected]
    assert shown == list(zip(labels, expected.values(), strict=True))


def test_codes_without_a_catalogue_entry_yet_still_go_through_their_labels(app):
    with app.test_request_context(), force_locale("zh_Hans"):
        assert describe("auth.login", {"reason": "password"}) == [
            (str(DETAIL_LABELS["reason"]), str(LOGIN_FAILURES["password"]))
        ]
        pool = describe("appraisal.draw_sample", {"pool": [1, 2, 3], "chosen": [2]})
        assert [v for _, v in pool] == [
            str(_l("%(n)d records", n=3)),
            str(_l("%(n)d records", n=1)),
        ]


def test_internal_paths_are_not_shown(app):
    with app.test_request_context():
        shown = describe("org.move", {"old_parent": "甲", "old_path": "/1/2/", "new_path": "/3/"})
    assert [v for _, v in shown] == ["甲"]


def test_record_keeps_the_codes(app):
    ev = record(None, "volunteers.item_save", published=True)
    assert ev.action == "volunteers.item_save" and ev.details == {"published": True}
