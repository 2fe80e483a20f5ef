"""Subcommands of ``kiosk``; each module registers its own (see :mod:`kiosk.cli`)."""
