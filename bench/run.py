"""Every benchmark on the generated county, in one table: each figure beside its floor
measured in the same run, medians and p95.

    .venv/bin/python -m bench.generate --database-url URL      # once
    .venv/bin/python -m bench.run --database-url URL [--quick] [--only pages,export]

The README's performance section holds the latest table, the machine and the command.
"""

from __future__ import annotations

import argparse
import importlib
import platform
import sys
import time
import traceback

from bench.common import Figure, make_app

# The benchmark modules, each exposing run(app, quick) -> list[Figure].
MODULES = ("pages", "open_quarter", "import_file", "export", "matching", "throughput")


def _ms(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    return f"{seconds * 1000:.1f} ms"


def print_table(figures: list[Figure], out=sys.stdout) -> None:
    out.write("| operation | median | p95 | floor | floor median | ratio | SQL |\n")
    out.write("|---|---|---|---|---|---|---|\n")
    for f in figures:
        floor = f.floor_median
        ratio = f"{f.ratio:.1f}×" if f.ratio is not None else ""
        out.write(
            f"| {f.operation}{' (' + f.note + ')' if f.note else ''} | {_ms(f.median)} | "
            f"{_ms(f.p95)} | {f.floor} | {_ms(floor) if floor is not None else ''} | {ratio} | "
            f"{'' if f.queries is None else f.queries} |\n"
        )
    out.flush()


def run_alone(run) -> None:
    """The command line of one benchmark module: ``--database-url URL [--quick]``."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    print_table(run(make_app(args.database_url), args.quick))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--quick", action="store_true", help="fewer samples")
    parser.add_argument("--only", default="", help="comma-separated module names")
    args = parser.parse_args()
    names = [n for n in args.only.split(",") if n] or list(MODULES)
    app = make_app(args.database_url)
    with app.app_context():
        from app.extensions import db

        dialect = db.engine.dialect.name
    print(f"{dialect}, Python {platform.python_version()}, {platform.machine()}, "
          f"{time.strftime('%Y-%m-%d')}", flush=True)  # fmt: skip
    figures: list[Figure] = []
    failed = []
    for name in names:
        t = time.perf_counter()
        try:
            module = importlib.import_module(f"bench.{name}")
            got = module.run(app, args.quick)
        except Exception:  # noqa: BLE001 - report every benchmark, then fail
            traceback.print_exc()
            failed.append(name)
            continue
        print(f"{name}: {len(got)} figures in {time.perf_counter() - t:.0f} s", flush=True)
        figures.extend(got)
    print_table(figures)
    if failed:
        sys.exit(f"failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
