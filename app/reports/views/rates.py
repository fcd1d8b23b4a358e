"""rates pages (being built)."""
