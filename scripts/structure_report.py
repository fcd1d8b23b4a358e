"""Print the code-structure figures the project tracks (issue 8): long files and functions,
``fmt: skip`` markers, DomainError try/except blocks in views, imports hidden inside functions,
package import cycles and role-name strings outside ``app/policy``.

    .venv/bin/python scripts/structure_report.py
"""

from __future__ import annotations

import ast
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app"
ROLE_NAMES = (
    "member",
    "group_leader",
    "mentor",
    "branch_secretary",
    "committee",
    "agent",
    "admin",
)
ROLE_CONSTANTS = re.compile(r"\bRole\.[A-Z_]+\b")


def package_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """Strongly connected components with more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[set[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = set()
            while True:
                w = stack.pop()
                on.discard(w)
                comp.add(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(comp)

    for v in list(graph):
        if v not in index:
            visit(v)
    return out


def main() -> int:
    files = sorted(APP.rglob("*.py"))
    long_files, long_funcs, hidden, role_strings = [], [], [], []
    skips = 0
    try_blocks = 0
    graph: dict[str, set[str]] = defaultdict(set)
    modgraph: dict[str, set[str]] = defaultdict(set)
    for path in files:
        text = path.read_text(encoding="utf-8")
        lines = text.count("\n")
        rel = path.relative_to(ROOT)
        if lines > 400:
            long_files.append(f"{rel} ({lines})")
        skips += text.count("fmt: skip")
        tree = ast.parse(text)
        mod = module_name(path)
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                n = (node.end_lineno or node.lineno) - node.lineno + 1
                if n > 60:
                    long_funcs.append(f"{rel}:{node.name} ({n})")
                for inner in ast.walk(node):
                    if isinstance(inner, ast.Import | ast.ImportFrom):
                        line = text.splitlines()[inner.lineno - 1]
                        # One that says why it hides (a comment on it or just above) is allowed.
                        above = text.splitlines()[inner.lineno - 2].strip()
                        if "#" not in line and not above.startswith("#"):
                            hidden.append(f"{rel}:{inner.lineno}")
            if isinstance(node, ast.Try) and ("views" in path.parts or path.name == "views.py"):
                for h in node.handlers:
                    names = ast.unparse(h.type) if h.type else ""
                    if "DomainError" in names or "Error" in names:
                        try_blocks += 1
                        break
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("app"):
                if node.module == "app":
                    targets = [f"app.{a.name}" for a in node.names]
                else:
                    targets = [node.module]
                    # "from app.x import y" may name a submodule y of package x.
                    targets += [f"{node.module}.{a.name}" for a in node.names]
                for t in targets:
                    src, dst = package_of(mod), package_of(t)
                    if src != dst:
                        graph[src].add(dst)
                    modgraph[mod].add(t)
        # The enum's own module and the demo data (which grants roles) may name them.
        if not str(rel).startswith(("app/policy", "app/demo", "app/auth/models.py")):
            for lineno, line in enumerate(text.splitlines(), 1):
                code = line.split("#", 1)[0]
                if "grant_role(" in code:  # creating a grant names its role
                    continue
                if ROLE_CONSTANTS.search(code):
                    role_strings.append(f"{rel}:{lineno}")
                    continue
                for role in ROLE_NAMES:
                    if "role" in code and re.search(rf"[\"']{role}[\"']", code):
                        role_strings.append(f"{rel}:{lineno}")
                        break
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for lineno, line in enumerate(text.splitlines(), 1):
            names = "|".join(ROLE_NAMES)
            if re.search(rf"role\s*(==|!=|in)\s*[\"'(]+({names})\b|has_role", line):
                role_strings.append(f"{path.relative_to(ROOT)}:{lineno}")

    cycles = _cycles(graph)
    known = {module_name(p) for p in files}
    # app/__init__.py's factory imports every feature when it builds an app; that is wiring,
    # not a cycle between features.
    modgraph = {
        m: {t for t in ts if t in known and t != "app"} for m, ts in modgraph.items() if m != "app"
    }
    module_cycles = _cycles(modgraph)
    print(f"files over 400 lines: {len(long_files)}")
    for f in long_files:
        print(f"  {f}")
    print(f"functions over 60 lines: {len(long_funcs)}")
    for f in long_funcs:
        print(f"  {f}")
    print(f"'fmt: skip' markers: {skips}")
    print(f"try/except blocks catching errors in views: {try_blocks}")
    print(f"imports inside functions that do not say why: {len(hidden)}")
    for h in hidden:
        print(f"  {h}")
    print(f"package import circles: {len(cycles)}")
    for c in cycles:
        print("  {" + ", ".join(sorted(c)) + "}")
    print(f"module import cycles (counting imports inside functions): {len(module_cycles)}")
    for c in module_cycles:
        print("  {" + ", ".join(sorted(c)) + "}")
    print(f"role-name strings outside app/policy: {len(role_strings)}")
    for r in role_strings[:40]:
        print(f"  {r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
