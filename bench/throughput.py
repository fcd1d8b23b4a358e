"""Pages under gunicorn (2 workers, 8 client threads, 20 s on 127.0.0.1) beside a hello-world
page under the same gunicorn: requests per second and latency.

    .venv/bin/python -m bench.throughput --database-url URL [--quick]

The app runs in production mode on the given database (the county of bench/generate.py,
logged in as its committee ``bench``); the floor is bench.common's bare page.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from bench.common import BENCH_PASSWORD, BENCH_USER, Figure
from bench.run import run_alone
from bench.two_servers import _client, _opener
from tests.servers import free_port, wait_up

REPO = Path(__file__).resolve().parent.parent
GUNICORN = os.path.join(os.path.dirname(sys.executable), "gunicorn")
WSGI = """
import gc
import os
from bench.common import BARE, make_app
app = make_app(os.environ["BENCH_DB"], WTF_CSRF_ENABLED=True)
bare = BARE
BARE.add_url_rule("/health", "health", lambda: "ok")
gc.freeze()  # as wsgi.py does
"""


@contextmanager
def _gunicorn(folder: Path, target: str, env: dict[str, str]):
    port = free_port()
    log = open(folder / f"gunicorn-{port}.log", "w+")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(  # noqa: S603 - our own command line
        [GUNICORN, "--chdir", str(REPO), "--pythonpath", f"{folder},{REPO}", "--workers", "2",
         "--timeout", "120", "--bind", f"127.0.0.1:{port}", target],
        env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        wait_up(base, proc)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def load(base: str, path: str, seconds: float, clients: int = 8, login: bool = True):
    """(latencies in seconds, requests per second, answers not 200)."""
    openers = [
        _opener([base], BENCH_USER if login else None, BENCH_PASSWORD) for _ in range(clients)
    ]
    times: list[float] = []
    bad: list[str] = []
    stop = time.monotonic() + seconds
    threads = [
        threading.Thread(target=_client, args=(o, [base], path, stop, times, bad)) for o in openers
    ]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return times, len(times) / (time.monotonic() - began), len(bad)


def run(app, quick: bool = False) -> list[Figure]:
    seconds = 5.0 if quick else 20.0
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    folder = Path(tempfile.mkdtemp(prefix="bench-gunicorn-"))
    (folder / "bench_wsgi.py").write_text(WSGI)
    env = {"BENCH_DB": url}
    out = []
    with _gunicorn(folder, "bench_wsgi:bare", env) as bare_base:
        bare, bare_rate, _ = load(bare_base, "/", seconds, login=False)
    with _gunicorn(folder, "bench_wsgi:app", env) as base:
        for label, path in (("roster list", "/roster/"), ("inbox", "/appraisal/")):
            times, rate, bad = load(base, path, seconds)
            note = (f"{rate:.0f} req/s = {rate / bare_rate:.0%} of the bare page's "
                    f"{bare_rate:.0f} req/s; not 200: {bad}")  # fmt: skip
            out.append(Figure(f"gunicorn 2 workers, 8 clients: {label} (committee)", times,
                              "bare page, same gunicorn", bare, note=note))  # fmt: skip
    return out


def main() -> None:
    run_alone(run)


if __name__ == "__main__":
    main()
