"""Render every resident screen to PNG offscreen: for docs, review, and checking the UI headless."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication

from kiosk.core.queries import Connection
from kiosk.core.terminal.config import Config
from kiosk.ui.app import build_kiosk, sample_params, show_screen
from kiosk.ui.registry import RESIDENT_SCREENS

EXTRA_SHOTS = ("news-article", "detail-report")  # beyond one picture per screen


def render_screens(conn: Connection, outdir: Path, *, lang: str = "zh", theme: str = "standard",
                   size: tuple[int, int] = (1080, 1920), config: Config | None = None) -> list[Path]:
    """Write ``<screen>.png`` for every resident screen (plus a news article and the report dialog)."""
    outdir.mkdir(parents=True, exist_ok=True)
    window = build_kiosk(conn, config, count_usage=False)
    ctx = window.ctx
    ctx.set_language(lang)
    ctx.set_theme_name(theme)
    window.resize(*size)
    window.show()
    params = sample_params(conn)
    written: list[Path] = []

    def grab(stem: str) -> None:
        for _ in range(3):
            QApplication.processEvents()
        path = outdir / f"{stem}.png"
        if not window.grab().save(str(path)):
            raise OSError(f"cannot write {path}")
        written.append(path)

    for name in RESIDENT_SCREENS:
        show_screen(window, name, params.get(name))
        grab(name)
    # a news article, and the "report a problem" choices when feedback exists
    from kiosk.core import queries

    news = queries.list_news(conn)
    if news:
        show_screen(window, "news")
        window.nav.push("news", item_id=news[0].id)
        grab("news-article")
    detail = show_screen(window, "detail", params.get("detail"))
    report = getattr(detail, "report_button", None)
    if report is not None and not report.isHidden():
        report.click()
        grab("detail-report")
        detail.reset()
    if window.idle is not None:
        window.idle.stop()
    ctx.release()
    window.allow_close = True
    window.close()
    window.deleteLater()
    return written
