"""duty pages (being built)."""
