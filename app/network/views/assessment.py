"""assessment pages (being built)."""
