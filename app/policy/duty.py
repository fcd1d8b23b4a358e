"""The named rules of duty (being built)."""
