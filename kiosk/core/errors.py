"""Errors that carry a message meant for a person, not a traceback."""


class KioskError(Exception):
    """An error whose message tells the user what is wrong and how to fix it."""

    exit_code = 1


class SeedError(KioskError):
    """The seed records are malformed or quote text that is not in the seed document."""


class DatabaseError(KioskError):
    """The database is missing, unreadable or corrupt."""
