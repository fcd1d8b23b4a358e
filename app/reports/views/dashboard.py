"""dashboard pages (being built)."""
