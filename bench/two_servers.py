"""Requests per second through several app servers at once: each client thread sends its
requests to the servers in turn, with one session opened on the first (issue 13, "Beyond one
machine").

    .venv/bin/python -m bench.two_servers --server http://127.0.0.1:8001 \\
        --server http://127.0.0.1:8002 --path /auth/login [--login committee] \\
        [--clients 8] [--seconds 20]

With ``--login`` every client logs in once on the first server (demo password) and then uses
that session on all of them. Prints the rate, the median and the 95th percentile latency, and
how many answers were not 200.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import re
import statistics
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

DEMO_PASSWORD = "demo-pass-2024"  # noqa: S105 - the demo's documented password


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _opener(servers: list[str], login: str | None, password: str = DEMO_PASSWORD):
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect()
    )
    if login:
        with opener.open(f"{servers[0]}/auth/login", timeout=30) as r:  # noqa: S310
            token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', r.read().decode())
        fields = {"username": login, "password": password}
        body = urllib.parse.urlencode({**fields, "csrf_token": token.group(1) if token else ""})
        try:
            opener.open(f"{servers[0]}/auth/login", body.encode(), timeout=30)  # noqa: S310
        except urllib.error.HTTPError as err:
            if err.code != 302:
                raise SystemExit(f"login as {login} failed: {err.code}") from err
    return opener


def _client(opener, servers, path, stop, out, bad) -> None:
    i = 0
    while time.monotonic() < stop:
        url = servers[i % len(servers)] + path
        i += 1
        start = time.perf_counter()
        try:
            with opener.open(url, timeout=30) as r:  # noqa: S310 - http to our own servers
                r.read()
                ok = r.status == 200
        except urllib.error.HTTPError as err:
            ok = False
            err.read()
        out.append(time.perf_counter() - start)
        if not ok:
            bad.append(url)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--server", action="append", required=True)
    p.add_argument("--path", default="/auth/login")
    p.add_argument("--login")
    p.add_argument("--clients", type=int, default=8)
    p.add_argument("--seconds", type=float, default=20)
    args = p.parse_args()
    openers = [_opener(args.server, args.login) for _ in range(args.clients)]
    times: list[float] = []
    bad: list[str] = []
    stop = time.monotonic() + args.seconds
    threads = [
        threading.Thread(target=_client, args=(o, args.server, args.path, stop, times, bad))
        for o in openers
    ]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.monotonic() - began
    times.sort()
    p95 = times[int(len(times) * 0.95)] if times else 0.0
    print(
        f"{args.path} via {len(args.server)} servers, {args.clients} clients, {took:.0f} s: "
        f"{len(times) / took:.0f} req/s, median {statistics.median(times) * 1000:.1f} ms, "
        f"p95 {p95 * 1000:.1f} ms, not 200: {len(bad)}"
    )


if __name__ == "__main__":
    main()
