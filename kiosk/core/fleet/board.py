"""The office's status board: one row per terminal from the reports collected (``kiosk fleet``, the admin page).

A terminal is *stale* (失联) when its newest report was written more than ``stale_hours`` ago (default
26: a terminal reporting once a day may be a couple of hours late). Top misses are the three most
frequent searches without a result over the last :data:`MISS_DAYS` days that terminal reported.
"""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from kiosk.core.errors import KioskError

DEFAULT_STALE_HOURS = 26
MAX_STALE_HOURS = 24 * 366
MISS_DAYS = 30
TOP_MISSES = 3


@dataclass(frozen=True)
class TerminalStatus:
    """One terminal on the board."""

    terminal_id: str
    place: str
    last_report_at: datetime
    last_collected_at: datetime
    content_version: int | None
    content_hash: str | None
    program_version: str
    uptime_s: int | None
    restarts_since_last: int
    crashes_since_last: int
    crashes_total: int
    open_feedback: int
    top_misses: tuple[tuple[str, int], ...]
    reports: int
    stale: bool
    hours_since: float

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["last_report_at"] = self.last_report_at.isoformat()
        out["last_collected_at"] = self.last_collected_at.isoformat()
        out["top_misses"] = [{"query": q, "count": n} for q, n in self.top_misses]
        out["hours_since"] = round(self.hours_since, 1)
        return out


def fleet_board(conn: sqlite3.Connection, *, now: datetime, stale_hours: int = DEFAULT_STALE_HOURS
                ) -> list[TerminalStatus]:
    """Every terminal that ever reported, stale ones first, then by id."""
    if not 1 <= stale_hours <= MAX_STALE_HOURS:
        raise KioskError(f"stale hours must be from 1 to {MAX_STALE_HOURS}, got {stale_hours}")
    if now.tzinfo is None:
        raise ValueError("times must be timezone-aware")
    since = (now.date() - timedelta(days=MISS_DAYS - 1)).isoformat()
    reports = dict(conn.execute("SELECT terminal_id, COUNT(*) FROM fleet_reports GROUP BY terminal_id").fetchall())
    rows = []
    for r in conn.execute("SELECT * FROM fleet_terminals ORDER BY terminal_id"):
        tid = r["terminal_id"]
        misses = tuple((str(q), int(n)) for q, n in conn.execute(
            "SELECT query, SUM(count) AS n FROM fleet_misses WHERE terminal_id = ? AND day >= ? GROUP BY query "
            "ORDER BY n DESC, query LIMIT ?", (tid, since, TOP_MISSES)))
        last = datetime.fromisoformat(r["last_report_at"])
        hours = (now - last).total_seconds() / 3600
        rows.append(TerminalStatus(
            tid, r["place"], last, datetime.fromisoformat(r["last_collected_at"]), r["content_version"],
            r["content_hash"], r["program_version"], r["uptime_s"], r["restarts_since_last"],
            r["crashes_since_last"], r["crashes_total"], r["open_feedback"], misses, int(reports.get(tid, 0)),
            hours > stale_hours, hours))
    return sorted(rows, key=lambda s: (not s.stale, s.terminal_id))


def _ago(hours: float) -> str:
    if hours < 0:
        return "刚刚 just now"
    if hours < 1:
        return f"{int(hours * 60)} 分钟前 min ago"
    if hours < 48:
        return f"{hours:.0f} 小时前 h ago"
    return f"{hours / 24:.0f} 天前 days ago"


def uptime_text(seconds: int | None) -> str:
    """Uptime in words: 3 天 4 小时, 5 小时 12 分, or 未运行 when the kiosk was not running at the report."""
    if seconds is None:
        return "未运行 (not running)"
    days, rest = divmod(seconds, 86400)
    hours, minutes = rest // 3600, rest % 3600 // 60
    return f"{days} 天 {hours} 小时" if days else f"{hours} 小时 {minutes} 分"


def format_board(rows: list[TerminalStatus], *, stale_hours: int = DEFAULT_STALE_HOURS) -> str:
    """The board as plain text (Chinese first, English in brackets), one block per terminal."""
    if not rows:
        return "还没有收到任何终端的报告 (no terminal reports collected yet; run `kiosk collect DIR`)"
    stale = sum(1 for r in rows if r.stale)
    lines = [f"终端状态 (fleet status): {len(rows)} 台终端 (terminals), {stale} 台失联 (stale: no report for more "
             f"than {stale_hours} h)", ""]
    for r in rows:
        mark = "【失联 stale】" if r.stale else "【正常 ok】"
        place = f" {r.place}" if r.place else ""
        lines.append(f"{mark} {r.terminal_id}{place}")
        lines.append(f"    最近报告 (last report): {r.last_report_at:%Y-%m-%d %H:%M} ({_ago(r.hours_since)}); "
                     f"共 {r.reports} 份 (reports)")
        content = f"v{r.content_version}" if r.content_version is not None else "内置 (built-in)"
        lines.append(f"    内容版本 (content): {content}; 程序版本 (program): {r.program_version}; "
                     f"运行时长 (uptime): {uptime_text(r.uptime_s)}")
        lines.append(f"    崩溃 (crashes): 上次以来 {r.crashes_since_last} (since last report), 累计 {r.crashes_total} "
                     f"(total); 重启 (restarts): {r.restarts_since_last}")
        lines.append(f"    待处理反馈 (open feedback): {r.open_feedback}")
        misses = "、".join(f"{q} ×{n}" for q, n in r.top_misses) or "无 (none)"
        lines.append(f"    没有结果的搜索 (top misses): {misses}")
    return "\n".join(lines)
