"""The org tree and service points."""
