"""The status board for Prometheus: a node_exporter textfile-collector file (``kiosk metrics --textfile``).

Sites that already run Prometheus point node_exporter's ``--collector.textfile.directory`` at a
folder and let a timer run ``kiosk collect`` and ``kiosk metrics --textfile DIR/kiosk.prom``. The
file is written beside its final name and renamed (node_exporter reads only ``*.prom``, and never a
half-written file). Every figure is a gauge labelled ``terminal="…"``; label values are escaped as the
exposition format says (backslash, double quote, line feed).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from kiosk.core.exchange.outputs import atomic_output
from kiosk.core.fleet.board import TerminalStatus

Figure = Callable[[TerminalStatus], float | None]

GAUGES: tuple[tuple[str, str, Figure], ...] = (
    ("kiosk_terminal_last_report_timestamp_seconds", "When the terminal wrote its newest collected report (Unix time).",
     lambda r: r.last_report_at.timestamp()),
    ("kiosk_terminal_stale", "1 when the terminal has not reported for longer than the stale limit.",
     lambda r: 1.0 if r.stale else 0.0),
    ("kiosk_terminal_content_version", "Version of the content bundle the terminal runs (absent: built-in content).",
     lambda r: r.content_version),
    ("kiosk_terminal_uptime_seconds", "How long the kiosk had been running when it reported.",
     lambda r: r.uptime_s),
    ("kiosk_terminal_crashes_since_last_report", "Runs that ended without a clean stop since the previous report.",
     lambda r: r.crashes_since_last),
    ("kiosk_terminal_crashes", "Runs that ended without a clean stop, counted since the terminal was set up.",
     lambda r: r.crashes_total),
    ("kiosk_terminal_restarts_since_last_report", "Starts of the kiosk since the previous report.",
     lambda r: r.restarts_since_last),
    ("kiosk_terminal_open_feedback", "Residents' reports about listings not yet handled on the terminal.",
     lambda r: r.open_feedback),
)


def escape_label(value: str) -> str:
    """A label value as the text exposition format wants it."""
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def metrics_text(rows: list[TerminalStatus], *, now: datetime) -> str:
    """The board in the Prometheus text exposition format (version 0.0.4)."""
    lines = ["# HELP kiosk_fleet_terminals Terminals that ever sent a report.", "# TYPE kiosk_fleet_terminals gauge",
             f"kiosk_fleet_terminals {len(rows)}",
             "# HELP kiosk_fleet_stale_terminals Terminals without a report for longer than the stale limit.",
             "# TYPE kiosk_fleet_stale_terminals gauge",
             f"kiosk_fleet_stale_terminals {sum(1 for r in rows if r.stale)}",
             "# HELP kiosk_fleet_metrics_timestamp_seconds When this file was written (Unix time).",
             "# TYPE kiosk_fleet_metrics_timestamp_seconds gauge",
             f"kiosk_fleet_metrics_timestamp_seconds {_number(round(now.timestamp()))}",
             "# HELP kiosk_terminal_info The terminal's place, program version and content hash (value 1).",
             "# TYPE kiosk_terminal_info gauge"]
    for r in rows:
        lines.append(f'kiosk_terminal_info{{terminal="{escape_label(r.terminal_id)}",place="{escape_label(r.place)}",'
                     f'program_version="{escape_label(r.program_version)}",'
                     f'content_hash="{escape_label(r.content_hash or "")}"}} 1')
    for name, help_text, figure in GAUGES:
        lines += [f"# HELP {name} {help_text}", f"# TYPE {name} gauge"]
        for r in rows:
            value = figure(r)
            if value is not None:
                lines.append(f'{name}{{terminal="{escape_label(r.terminal_id)}"}} {_number(value)}')
    return "\n".join(lines) + "\n"


def write_textfile(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically (a temporary ``.``-name in the same folder, then renamed)."""
    with atomic_output(Path(path), what="metrics file") as partial:
        partial.write_text(text, encoding="utf-8")
