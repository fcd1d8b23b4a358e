"""Redirect targets: only relative paths on this site."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import url_for


def safe_next(target: str | None) -> str:
    """``target`` when it is a plain local path, else the home page."""
    target = (target or "").strip()
    if any(ch in target for ch in "\\\t\r\n") or not target.startswith("/"):
        return url_for("home.index")
    if target.startswith("//"):
        return url_for("home.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return url_for("home.index")
    return target
