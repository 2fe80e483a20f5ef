"""节假日安排: the worker enters the State Council's holiday notice on the screen — the same as
``kiosk holidays import`` / ``add`` / ``remove``. Until a year is entered in full its statutory
holidays are only estimated, so the page says each year's status at the top."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.core.errors import KioskError
from kiosk.core.hours import holiday_store
from kiosk.core.hours.holiday_notice import parse_notice
from kiosk.ui.widgets.kinetic import scroll_area
from kiosk.ui.widgets.text import button, label

if TYPE_CHECKING:
    from kiosk.ui.admin.panel import AdminPanel

STATUS_ZH = {"published": "已完整录入", "partial": "部分录入（其余日期按法定节假日估计）",
             "expected": "尚未录入（按法定节假日估计，放假调休日显示“尚未公布”）"}
NOTICE_HINT = ("把国务院通知按行粘贴在这里，例如：\n2027-10-01 至 2027-10-07 国庆节 放假\n2027-09-26 国庆节 上班")


class HolidaysPage(QWidget):
    def __init__(self, panel: AdminPanel) -> None:
        super().__init__()
        self.setObjectName("HolidaysPage")
        self.panel = panel
        self.remove_buttons: dict[str, QPushButton] = {}
        today = panel.ctx.clock().date()
        self.year = QComboBox()
        self.year.setObjectName("holidayYear")
        for year in (today.year, today.year + 1):
            self.year.addItem(f"{year} 年", year)
        self.year.setCurrentIndex(1 if today.month >= 10 else 0)
        self.year.currentIndexChanged.connect(lambda _=0: self.refresh())
        self.status = label("", "heading", wrap=True)
        self.status.setObjectName("holidayStatus")
        top = QHBoxLayout()
        top.addWidget(self.year)
        top.addWidget(self.status, 1)

        self.date = QLineEdit()
        self.date.setObjectName("holidayDate")
        self.date.setPlaceholderText("日期 2027-10-01")
        self.kind = QComboBox()
        self.kind.setObjectName("holidayKind")
        self.kind.addItem("放假", "holiday")
        self.kind.addItem("调休上班", "workday")
        self.name = QLineEdit()
        self.name.setObjectName("holidayName")
        self.name.setPlaceholderText("节日名称，如 国庆节")
        self.partial = QCheckBox("只录入这一天（其余日期仍按估计）")
        self.partial.setObjectName("holidayPartial")
        self.add_button = button("添加")
        self.add_button.setObjectName("holidayAdd")
        self.add_button.clicked.connect(self.add)
        add_row = QHBoxLayout()
        for widget in (self.date, self.kind, self.name):
            add_row.addWidget(widget, 1)
        add_row.addWidget(self.add_button)

        self.notice = QPlainTextEdit()
        self.notice.setObjectName("holidayNotice")
        self.notice.setPlaceholderText(NOTICE_HINT)
        self.notice.setMaximumHeight(160)
        self.notice_partial = QCheckBox("这不是整份通知（只录入这些日期）")
        self.import_button = button("导入整份通知")
        self.import_button.setObjectName("holidayImport")
        self.import_button.clicked.connect(self.import_notice)
        import_row = QHBoxLayout()
        import_row.addWidget(self.notice_partial, 1)
        import_row.addWidget(self.import_button)

        self.message = label("", "muted", wrap=True)
        self.message.setObjectName("holidayMessage")
        self.content = QWidget()
        self.rows = QVBoxLayout(self.content)
        scroll = scroll_area(self.content, touch=panel.touch)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.notice)
        layout.addLayout(import_row)
        layout.addLayout(add_row)
        layout.addWidget(self.partial)
        layout.addWidget(self.message)
        layout.addWidget(scroll, 1)
        self.refresh()

    def selected_year(self) -> int:
        return int(self.year.currentData())

    def _actor(self) -> str:
        session = self.panel.session
        return session.id if session else "admin"

    def refresh(self) -> None:
        """The chosen year's status and the dates workers entered for it."""
        while self.rows.count():
            taken = self.rows.takeAt(0)
            widget = taken.widget() if taken is not None else None
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        self.remove_buttons = {}
        conn = self.panel.ctx.conn
        year = self.selected_year()
        summary = holiday_store.summaries(conn, [year])[0]
        self.status.setText(f"{year} 年节假日安排：{STATUS_ZH[summary.status]}")
        days = holiday_store.worker_days(conn, year)
        if not days:
            self.rows.addWidget(label("工作人员还没有录入这一年的日期。", "muted"))
        for day in days:
            box = QFrame()
            box.setProperty("role", "section")
            line = QHBoxLayout(box)
            kind = "放假" if day.kind == "holiday" else "调休上班"
            weekday = "一二三四五六日"[day.date.weekday()]
            line.addWidget(label(f"{day.date:%Y-%m-%d} 周{weekday}　{kind}　{day.name or ''}", "body"), 1)
            remove = button("删除", "nav")
            remove.setObjectName(f"holidayRemove-{day.date.isoformat()}")
            remove.clicked.connect(lambda _=False, d=day.date: self.remove(d))
            line.addWidget(remove)
            self.remove_buttons[day.date.isoformat()] = remove
            self.rows.addWidget(box)
        self.rows.addStretch(1)
        self.rows.setAlignment(Qt.AlignmentFlag.AlignTop)

    def _say(self, text: str) -> None:
        self.message.setText(text)

    def add(self) -> None:
        conn = self.panel.ctx.conn
        try:
            day = holiday_store.to_date(self.date.text())
            status = holiday_store.summaries(conn, [day.year])[0].status
            if status != "published" and not self.partial.isChecked():
                self._say(f"没有添加：{day.year} 年还没有完整录入。请把整份通知粘贴在上面导入，"
                          "或勾选“只录入这一天”（其余日期仍按估计）。")
                return
            holiday_store.add_day(conn, day, str(self.kind.currentData()), name=self.name.text(),
                                  partial=self.partial.isChecked(), actor=self._actor(), now=self.panel.ctx.clock())
        except KioskError as exc:
            self._say(f"没有添加：{exc}")
            return
        self._say(f"已添加 {day}")
        self.date.clear()
        self._show_year(day.year)

    def remove(self, day: date) -> None:
        try:
            holiday_store.remove_day(self.panel.ctx.conn, day, actor=self._actor(), now=self.panel.ctx.clock())
        except KioskError as exc:
            self._say(f"没有删除：{exc}")
            return
        self._say(f"已删除 {day}")
        self.refresh()

    def import_notice(self) -> None:
        try:
            days = parse_notice(self.notice.toPlainText())
            year = holiday_store.import_notice(self.panel.ctx.conn, days, partial=self.notice_partial.isChecked(),
                                               actor=self._actor(), now=self.panel.ctx.clock())
        except KioskError as exc:
            self._say(f"没有导入（一条也没有录入）：{exc}")
            return
        self._say(f"已导入 {year} 年的 {len(days)} 个日期")
        self.notice.clear()
        self._show_year(year)

    def _show_year(self, year: int) -> None:
        index = self.year.findData(year)
        if index < 0:
            self.year.addItem(f"{year} 年", year)
            index = self.year.count() - 1
        if index == self.year.currentIndex():
            self.refresh()
        else:
            self.year.setCurrentIndex(index)  # refreshes
