"""Application set-up (placeholder window until the resident screens land)."""

from __future__ import annotations

import argparse
import sys

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget

from kiosk.commands._common import database_path
from kiosk.core import queries
from kiosk.core.db import connect
from kiosk.ui.fonts import load_bundled_font, renders_chinese


def run(args: argparse.Namespace) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    family = load_bundled_font()
    font = QFont(family, 24)
    QApplication.setFont(font)
    conn = connect(database_path(args), readonly=True)
    categories = queries.list_categories(conn)
    window = QWidget()
    window.setWindowTitle("上街社区服务终端")
    layout = QVBoxLayout(window)
    layout.addWidget(QLabel("上街社区服务终端"))
    for cat in categories:
        layout.addWidget(QLabel(f"{cat.name}  {cat.name_en or ''}  ({cat.service_count})"))
    if args.self_test:
        ok = renders_chinese(font)
        print(f"self-test: {len(categories)} categories, Chinese glyphs {'ok' if ok else 'MISSING'}")
        return 0 if ok else 1
    if args.windowed:
        window.show()
    else:
        window.showFullScreen()
    return int(app.exec())
