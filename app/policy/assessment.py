"""The named rules of assessment (being built)."""
