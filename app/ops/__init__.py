"""Operations: backup and restore, the key check at start, and the audit chain's verification."""
