"""Accounts, scoped role grants, login sessions."""
