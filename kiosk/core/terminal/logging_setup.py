"""Logging to a rotating file in the data directory, with no personal data.

:func:`setup_logging` is called once at start by every long-running command (``kiosk run``,
``kiosk update-content --watch``). It writes ``kiosk.log`` in the log folder (``logs/`` in the data
directory unless the ``log_dir`` setting says otherwise), rotated at 1 MB with 5 old files kept, so
a terminal that runs for months never fills its disk.

No personal data: the kiosk logs what happened (screen names, service ids, counts, errors), never
what a resident typed or wrote. As a safety net, :class:`RedactFilter` masks anything that looks like
a mobile number or a resident identity card number before a line is written.
"""

from __future__ import annotations

import logging
import logging.handlers
import re
from pathlib import Path

LOG_FILE_NAME = "kiosk.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5
FORMAT = "%(asctime)s %(levelname)s %(name)s [%(terminal)s] %(message)s"

_ID_CARD = re.compile(r"(?<![0-9])[1-9][0-9]{5}(?:19|20)[0-9]{2}[01][0-9][0-3][0-9][0-9]{3}[0-9Xx](?![0-9])")
_MOBILE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")
_HANDLER_NAME = "kiosk-rotating-file"


def redact(text: str) -> str:
    """Mask identity-card numbers and mobile numbers in ``text``."""
    return _MOBILE.sub("[mobile]", _ID_CARD.sub("[id-number]", text))


class RedactFilter(logging.Filter):
    """Masks personal numbers in a record's final message and adds the terminal id to it."""

    def __init__(self, terminal_id: str) -> None:
        super().__init__()
        self.terminal_id = terminal_id

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        record.terminal = self.terminal_id
        return True


def setup_logging(log_dir: Path, *, terminal_id: str = "-", level: str = "info",
                  max_bytes: int = MAX_BYTES, backup_count: int = BACKUP_COUNT) -> Path:
    """Send the ``kiosk`` loggers (and warnings) to ``log_dir/kiosk.log``, rotated; returns the file.

    Calling it again replaces the earlier handler (e.g. after the config changed), never adds a second.
    Raises OSError when the folder cannot be created or written.
    """
    log_dir = Path(log_dir)
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / LOG_FILE_NAME
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=max_bytes, backupCount=backup_count,
                                                   encoding="utf-8", delay=False)
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(RedactFilter(terminal_id))
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == _HANDLER_NAME]:
        root.removeHandler(old)
        old.close()
    root.addHandler(handler)
    root.setLevel(getattr(logging, level.upper(), logging.INFO))
    logging.captureWarnings(True)
    return path


def teardown_logging() -> None:
    """Remove and close the file handler (tests; a clean exit)."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == _HANDLER_NAME]:
        root.removeHandler(old)
        old.close()
    logging.captureWarnings(False)
