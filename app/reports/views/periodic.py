"""periodic pages (being built)."""
