"""Where Flask-Limiter counts (issue 13, "Beyond one machine"): in Redis when REDIS_URL is set,
so every worker and server shares one count per address; in each process's memory otherwise."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import uuid

import pytest

from app.extensions import limiter
from app.factory import limiter_storage
from tests.conftest import build_app

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({}, "memory://"),
        ({"REDIS_URL": ""}, "memory://"),
        ({"REDIS_URL": "redis://cache:6379/0"}, "redis://cache:6379/0"),
        (
            {"REDIS_URL": "redis://cache:6379/0", "RATELIMIT_STORAGE_URI": "redis://other:6379/1"},
            "redis://other:6379/1",
        ),
        ({"RATELIMIT_STORAGE_URI": "memcached://m:11211"}, "memcached://m:11211"),
    ],
)
def test_the_limiter_counts_in_redis_when_redis_url_is_set(settings, expected):
    assert limiter_storage({"RATELIMIT_STORAGE_URI": "", **settings}) == expected


def test_the_app_hands_its_choice_to_flask_limiter():
    was = limiter.enabled
    try:
        app = build_app("sqlite://", RATELIMIT_ENABLED=True, REDIS_URL="redis://127.0.0.1:1/0")
        assert app.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:1/0"
        assert type(limiter.storage).__name__ == "RedisStorage"
        app = build_app("sqlite://", RATELIMIT_ENABLED=True)
        assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"
        assert type(limiter.storage).__name__ == "MemoryStorage"
    finally:
        limiter.enabled = was


def _redis_or_skip():
    redis = pytest.importorskip("redis")
    connection = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        connection.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis at {REDIS_URL} (set TEST_REDIS_URL to run this test)")
    return connection


# One app instance in its own process (as each gunicorn worker or server is), posting the
# public tracking form ``n`` times from the same address; prints the status codes.
_INSTANCE = textwrap.dedent(
    """
    import os, sys
    from app import create_app
    from app.extensions import db
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI="sqlite://",
        RATELIMIT_ENABLED=True,
        REDIS_URL=os.environ["T_REDIS"],
        RATELIMIT_KEY_PREFIX=os.environ["T_PREFIX"],
        PUBLIC_TRACK_RATE_LIMIT="3 per minute",
    )
    with app.app_context():
        db.create_all()
    c = app.test_client()
    codes = [c.post("/guide/track", data={"code": "X", "phone": "1"}).status_code
             for _ in range(int(sys.argv[1]))]
    print(" ".join(map(str, codes)))
    """
)


def _instance(n: int, prefix: str) -> list[int]:
    out = subprocess.run(
        [sys.executable, "-c", _INSTANCE, str(n)],
        cwd=REPO,
        env={**os.environ, "T_REDIS": REDIS_URL, "T_PREFIX": prefix},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return [int(code) for code in out.stdout.split()]


def test_two_app_instances_share_a_public_form_limit_in_redis():
    connection = _redis_or_skip()
    prefix = f"test-{uuid.uuid4().hex}"
    try:
        # Three a minute per address: two on the first instance, the third and fourth on the
        # second. Each counting alone, the second would allow both.
        assert _instance(2, prefix) == [200, 200]
        assert _instance(2, prefix) == [200, 429]
    finally:
        for key in connection.scan_iter(f"{prefix}*"):
            connection.delete(key)


def test_when_redis_stops_answering_each_process_counts_in_memory():
    was = limiter.enabled
    try:
        app = build_app(
            "sqlite://",
            RATELIMIT_ENABLED=True,
            REDIS_URL="redis://127.0.0.1:1/0",  # nothing listens there
            PUBLIC_TRACK_RATE_LIMIT="2 per minute",
        )
        c = app.test_client()
        codes = [c.post("/guide/track", data={"code": "X", "phone": "1"}).status_code]
        codes += [c.post("/guide/track", data={"code": "X", "phone": "1"}).status_code]
        codes += [c.post("/guide/track", data={"code": "X", "phone": "1"}).status_code]
        assert codes == [200, 200, 429]  # no error page, and still limited
    finally:
        limiter.enabled = was
