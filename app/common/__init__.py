"""Helpers with no feature knowledge."""
