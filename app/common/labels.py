"""Labels translated once per page: a list shows the same few codes' labels on every row, and
a lazy label translates itself again each time it is rendered."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any


def as_text(labels: Mapping[Hashable, Any]) -> dict[Hashable, str]:
    """``labels`` with every value translated now, in the request's language."""
    return {code: str(label) for code, label in labels.items()}


def page_labels(groups: Mapping[str, Mapping[Hashable, Any]]) -> dict[str, dict[Hashable, str]]:
    """Several label maps translated now, as a template's keyword arguments."""
    return {name: as_text(labels) for name, labels in groups.items()}
