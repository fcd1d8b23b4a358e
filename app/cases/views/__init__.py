"""The staff's case pages. Importing this package registers every route on ``bp``."""

from app.cases import bp

__all__ = ["bp"]
