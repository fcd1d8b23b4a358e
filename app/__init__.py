"""The application package. ``create_app`` builds the Flask app; the wiring is in
``app/factory.py``."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def create_app(config_name: str | None = None, **overrides) -> Flask:
    """The app for ``config_name`` (APP_CONFIG, else development), with config ``overrides``."""
    # Imported on call: every ``import app.x`` runs this file first, and the factory imports
    # every feature package, which a model or a service must not drag in with it.
    from app.factory import build_app

    return build_app(config_name, **overrides)
