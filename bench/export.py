"""Export benchmark: the roster's Excel export of every member (the committee, full numbers,
and masked) beside raw xlsxwriter in constant-memory mode writing the same cells.

    .venv/bin/python -m bench.export [--database-url URL] [--members 100000] [--quick]

The floor's cells are the ones the export itself wrote (read back with python-calamine before
timing starts): the same rows, columns, types and formats, written with one typed
``write_*`` call per non-empty cell; only the writing is timed. Peak memory is the peak RSS
growth of one export (full numbers) run alone in a fresh process (``--peak-memory``): the
high-water mark is reset through /proc/self/clear_refs just before it, and VmHWM minus the RSS
at the start is reported. In the benchmark's own process freed memory (the floor's prepared
cells) would hide any growth. Each note adds the medians of CPU time (``time.process_time``)
beside the floor's: on a shared machine the wall clock also carries other processes' load.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import event

from bench.common import Figure, make_app
from bench.roster import build


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _export(app, *, unmasked: bool) -> tuple[float, float, int, float | None, str]:
    """One export through the service the download uses: seconds, CPU seconds, SQL statements,
    peak RSS growth in MiB (None where /proc cannot tell), and the file written."""
    from app.auth.services import find_user
    from app.extensions import db
    from app.roster.excel import export_members
    from app.roster.search import MemberFilters

    with app.app_context():
        actor = find_user("bench")
        statements: list[str] = []

        def _count(conn, cursor, statement, *args):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", _count)
        can_peak = _reset_peak()
        start_rss = _status_kib("VmRSS")
        t, cpu = time.perf_counter(), time.process_time()
        result = export_members(actor, MemberFilters(), unmasked=unmasked)
        seconds, cpu = time.perf_counter() - t, time.process_time() - cpu
        peak = (_status_kib("VmHWM") - start_rss) / 1024 if can_peak else None
        event.remove(db.engine, "before_cursor_execute", _count)
        db.session.rollback()  # the audit event: the benchmark leaves no trace
    return seconds, cpu, len(statements), peak, result.path


def _peak_in_fresh_process(url: str) -> float | None:
    """Peak RSS growth (MiB) of one full-number export in a process of its own."""
    out = subprocess.run(  # noqa: S603 - our own command line
        [sys.executable, "-m", "bench.export", "--database-url", url, "--peak-memory"],
        cwd=Path(__file__).resolve().parents[1],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return float(out[-1]) if out and out[-1] != "None" else None


def _cells(path: str) -> list[list]:
    """The export's data rows as written (empty cells as None)."""
    from python_calamine import CalamineWorkbook

    sheet = CalamineWorkbook.from_path(path).get_sheet_by_name("花名册")
    rows = sheet.to_python(skip_empty_area=False)[1:]
    return [[v if v != "" else None for v in row] for row in rows]


def _floor(rows: list[list]) -> tuple[float, float]:
    """Raw xlsxwriter, constant memory: the header and the prepared cells, typed writes."""
    import xlsxwriter

    from app.roster.columns import COLUMNS, DATE_KEYS

    path = tempfile.mkstemp(suffix=".xlsx")[1]
    t, cpu = time.perf_counter(), time.process_time()
    wb = xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_numbers": False})
    text = wb.add_format({"num_format": "@"})
    day = wb.add_format({"num_format": "yyyy-mm-dd"})
    header = wb.add_format({"bold": True, "bg_color": "#F2DCDB", "border": 1})
    ws = wb.add_worksheet("花名册")
    for col, (_key, title, width) in enumerate(COLUMNS):
        ws.write_string(0, col, title, header)
        ws.set_column(col, col, width)
    ws.freeze_panes(1, 2)
    plan = []
    for col, (key, _t, _w) in enumerate(COLUMNS):
        if key == "id":
            plan.append((col, ws.write_number, None))
        elif key in DATE_KEYS:
            plan.append((col, ws.write_datetime, day))
        else:
            plan.append((col, ws.write_string, text))
    for r, row in enumerate(rows, start=1):
        for (col, write, fmt), value in zip(plan, row, strict=True):
            if value is not None:
                write(r, col, value, fmt)
    wb.close()
    seconds, cpu = time.perf_counter() - t, time.process_time() - cpu
    Path(path).unlink()
    return seconds, cpu


def run(app, quick: bool = False) -> list[Figure]:
    n = 1 if quick else 3
    ours: dict[bool, list[float]] = {True: [], False: []}
    ours_cpu: dict[bool, list[float]] = {True: [], False: []}
    floor: list[float] = []
    floor_cpu: list[float] = []
    queries: dict[bool, int] = {}
    # Warm-up, and the cells the floor writes.
    _s, _c, _q, _p, path = _export(app, unmasked=True)
    rows = _cells(path)
    Path(path).unlink()
    modes = (True,) if quick else (True, False)
    for _ in range(n):  # interleaved, so a noisy minute hits both
        for unmasked in modes:
            seconds, cpu, queries[unmasked], _p, path = _export(app, unmasked=unmasked)
            Path(path).unlink()
            ours[unmasked].append(seconds)
            ours_cpu[unmasked].append(cpu)
        seconds, cpu = _floor(rows)
        floor.append(seconds)
        floor_cpu.append(cpu)
    peak = _peak_in_fresh_process(app.config["SQLALCHEMY_DATABASE_URI"])
    peak_note = f"peak RSS growth {peak:.0f} MiB (fresh process)" if peak is not None else ""
    floor_name = f"raw xlsxwriter constant_memory, same {len(rows):,} rows × 27 cells"
    figures = []
    for unmasked in modes:
        # On a shared machine the wall clock carries other processes' load; CPU time less so.
        cpu, cpu_floor = statistics.median(ours_cpu[unmasked]), statistics.median(floor_cpu)
        cpu_note = f"CPU time {cpu:.1f} s vs floor {cpu_floor:.1f} s, {cpu / cpu_floor:.2f}×"
        figures.append(
            Figure(
                f"export all {len(rows):,} members, {'full numbers' if unmasked else 'masked'}",
                ours[unmasked],
                floor_name,
                floor,
                queries[unmasked],
                "; ".join(n for n in (cpu_note, peak_note if unmasked else "") if n),
            )
        )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--peak-memory", action="store_true", help="one export, print its MiB")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    app = make_app(url)
    if args.peak_memory:
        _s, _c, _q, peak, path = _export(app, unmasked=True)
        Path(path).unlink()
        print(peak)
        return
    build(app, args.members)
    for f in run(app, args.quick):
        print(
            f"{f.operation}: median {f.median:.2f} s (p95 {f.p95:.2f}), floor {f.floor} "
            f"{f.floor_median:.2f} s, ratio {f.ratio:.2f}×, {f.queries} SQL; {f.note}"
        )


if __name__ == "__main__":
    main()
