"""The one clock: calendar dates follow the configured zone, not the server's."""

from __future__ import annotations

from datetime import UTC, date, datetime

import time_machine

from app.common import timeutil

# 23:30 UTC on 9 October is already 07:30 on 10 October in Beijing.
LATE_UTC = datetime(2026, 10, 9, 23, 30, tzinfo=UTC)


def test_today_is_the_configured_zones_date_not_the_servers(app, server_in_utc):
    with time_machine.travel(LATE_UTC, tick=False):
        assert timeutil.utcnow().date() == date(2026, 10, 9)
        assert timeutil.today() == date(2026, 10, 10)
        assert timeutil.now().hour == 7


def test_the_zone_is_a_setting(app, server_in_utc):
    app.config["TIMEZONE"] = "UTC"
    try:
        with time_machine.travel(LATE_UTC, tick=False):
            assert timeutil.today() == date(2026, 10, 9)
    finally:
        app.config["TIMEZONE"] = "Asia/Shanghai"


def test_stored_times_are_shown_in_the_zone(app, server_in_utc):
    assert timeutil.to_local(LATE_UTC).strftime("%Y-%m-%d %H:%M") == "2026-10-10 07:30"
