"""The quarterly factual-record appraisal (写实考核)."""
