"""supervision pages (being built)."""
