"""The named rules of reports (being built)."""
