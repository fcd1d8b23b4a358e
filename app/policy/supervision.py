"""The named rules of supervision (being built)."""
