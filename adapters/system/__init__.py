"""Adapters for the machine itself: time and randomness."""
