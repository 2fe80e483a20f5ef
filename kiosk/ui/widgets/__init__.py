"""Reusable widgets of the resident screens."""
