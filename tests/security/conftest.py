"""Hypothesis profiles for the property-based security tests (R-E2), and their markers.

``ci`` (the default) keeps every property to a bounded number of examples with no deadline
(two cores, a PostgreSQL run too); ``HYPOTHESIS_PROFILE=deep`` explores further by hand."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    max_examples=30,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("deep", max_examples=500, deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "fuzz: property-based hostile input (R-E2), shardable")
    config.addinivalue_line(
        "markers", "concurrency: many clients at once against gunicorn on PostgreSQL"
    )
