"""Listings as workers edit them: editing, validation, the audit log."""
