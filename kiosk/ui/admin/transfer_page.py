"""Import and export from the screen: the same as ``kiosk export`` / ``kiosk import --dry-run`` /
``kiosk import`` / ``kiosk restore``. An import is only offered after a clean check of that file.

Every action reads or writes files (a big spreadsheet, a slow USB stick, a backup), so each runs off the
GUI thread (:mod:`kiosk.ui.background`): the page says 正在导入… and its buttons are off until the job
ends; the rest of the kiosk keeps answering. A job still running when the worker leaves finishes and
writes; its message waits on the panel for the next visit to this page (and is logged).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from kiosk.core.db.backup import backups_of
from kiosk.core.db.restore import RestoreResult, WholeRestoreLoss, restore_content, undo_restore, whole_restore_losses
from kiosk.core.errors import KioskError
from kiosk.core.exchange.transfer import ImportPlan, apply_import, export, plan_import
from kiosk.core.listings import editing as listings
from kiosk.core.terminal.paths import default_data_dir
from kiosk.ui.background import Job, alive, run_job
from kiosk.ui.widgets.kinetic import enable_kinetic
from kiosk.ui.widgets.text import button, label

if TYPE_CHECKING:
    from kiosk.core.queries import Connection
    from kiosk.ui.admin.panel import AdminPanel

log = logging.getLogger(__name__)

WAIT = "请稍候，不要拔出 U 盘。(Please wait; do not remove the USB stick.)"
BUSY = {
    "export": "正在导出… (Exporting…)",
    "check": "正在检查… (Checking the file…)",
    "import": "正在导入… (Importing…)",
    "prepare": "正在检查备份… (Checking the backup…)",
    "restore": "正在恢复… (Restoring…)",
    "undo": "正在撤销恢复… (Undoing the restore…)",
}
"""What the page says while a job of that kind runs."""


def removable_folders() -> list[Path]:
    """Mounted USB sticks and the like (/media/USER/NAME, /run/media/USER/NAME)."""
    found = []
    for base in (Path("/media"), Path("/run/media")):
        try:
            for user in base.iterdir():
                found += [p for p in user.iterdir() if p.is_dir()] if user.is_dir() else []
        except OSError:
            continue
    return sorted(found)


class TransferPage(QWidget):
    def __init__(self, panel: AdminPanel) -> None:
        super().__init__()
        self.setObjectName("TransferPage")
        self.panel = panel
        self.plan: ImportPlan | None = None
        self.planned_path: Path | None = None
        self.path = QLineEdit(str(default_data_dir() / "exports"))
        self.path.setObjectName("transferPath")
        self.path.textChanged.connect(self._path_changed)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path, 1)
        if not panel.touch:
            pick_file = button("选择文件…", "nav")
            pick_file.clicked.connect(self._pick_file)
            pick_dir = button("选择文件夹…", "nav")
            pick_dir.clicked.connect(self._pick_folder)
            path_row.addWidget(pick_file)
            path_row.addWidget(pick_dir)
            self._pickers = [pick_file, pick_dir]
        else:
            self._pickers = []
        places = QHBoxLayout()
        for folder in removable_folders()[:4]:
            chip = button(f"U 盘：{folder.name}", "chip")
            chip.clicked.connect(lambda _=False, f=folder: self.path.setText(str(f)))
            places.addWidget(chip)
        places.addStretch(1)
        self.category = QComboBox()
        self.category.setObjectName("transferCategory")
        self.category.addItem("HSDS 数据包里没有类别的服务：不指定（报错）", "")
        for cid, name in listings.category_ids(panel.ctx.conn).items():
            self.category.addItem(f"HSDS 数据包里没有类别的服务归入：{name}", cid)
        self.category.currentIndexChanged.connect(self._path_changed)
        self.retire_missing = QCheckBox("停用表里没有的服务（表里删掉的行）")
        self.retire_missing.setObjectName("retireMissing")
        self.retire_missing.toggled.connect(self._path_changed)
        self.export_xlsx = button("导出 Excel 表格")
        self.export_xlsx.setObjectName("exportXlsx")
        self.export_xlsx.clicked.connect(lambda: self.do_export("xlsx"))
        self.export_csv = button("导出 CSV", "nav")
        self.export_csv.setObjectName("exportCsv")
        self.export_csv.clicked.connect(lambda: self.do_export("csv"))
        self.export_hsds = button("导出 HSDS 数据包", "nav")
        self.export_hsds.setObjectName("exportHsds")
        self.export_hsds.clicked.connect(lambda: self.do_export("hsds"))
        self.check_button = button("检查要导入的文件")
        self.check_button.setObjectName("importCheck")
        self.check_button.clicked.connect(self.check)
        self.import_button = button("导入（先自动备份）")
        self.import_button.setObjectName("importApply")
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self.apply)
        self.restore_button = button("恢复最近的备份", "nav")
        self.restore_button.setObjectName("restoreBackup")
        self.restore_button.clicked.connect(self.restore)
        self._restore_armed = False
        self._restore_target: Path | None = None
        self.restore_box = QFrame()  # the restore's confirm dialog, in the page (a touch screen has no windows)
        self.restore_box.setObjectName("restoreConfirm")
        self.restore_box.setProperty("role", "section")
        self.restore_summary = label("", "body", wrap=True)
        self.restore_summary.setObjectName("restoreSummary")
        self.restore_confirm = button("确认恢复")
        self.restore_confirm.setObjectName("restoreConfirmButton")
        self.restore_confirm.clicked.connect(self.restore)
        self.restore_cancel = button("取消", "nav")
        self.restore_cancel.setObjectName("restoreCancelButton")
        self.restore_cancel.clicked.connect(self._cancel_restore)
        self.restore_undo = button("撤销这次恢复", "nav")
        self.restore_undo.setObjectName("restoreUndoButton")
        self.restore_undo.clicked.connect(self.undo_restore)
        self.restore_undo.hide()
        self._restored_entry: int | None = None
        box_layout = QVBoxLayout(self.restore_box)
        box_layout.addWidget(label("恢复最近的备份", "heading"))
        box_layout.addWidget(self.restore_summary)
        box_buttons = QHBoxLayout()
        box_buttons.addStretch(1)
        box_buttons.addWidget(self.restore_undo)
        box_buttons.addWidget(self.restore_cancel)
        box_buttons.addWidget(self.restore_confirm)
        box_layout.addLayout(box_buttons)
        self.restore_box.hide()
        self.job: Job | None = None
        self.busy_kind: str | None = None
        self.last_export: Path | None = None
        self._controls: list[QWidget] = [self.path, self.category, self.retire_missing, self.export_xlsx,
                                         self.export_csv, self.export_hsds, self.check_button, self.import_button,
                                         self.restore_button, self.restore_confirm, self.restore_cancel,
                                         self.restore_undo]
        exports = QHBoxLayout()  # two rows: a portrait screen has room for three or four buttons a row
        for btn in (self.export_xlsx, self.export_csv, self.export_hsds):
            exports.addWidget(btn)
        exports.addStretch(1)
        actions = QHBoxLayout()
        for btn in (self.check_button, self.import_button):
            actions.addWidget(btn)
        actions.addStretch(1)
        actions.addWidget(self.restore_button)
        self.output = QPlainTextEdit()
        self.output.setObjectName("transferOutput")
        self.output.setReadOnly(True)
        if panel.touch:
            enable_kinetic(self.output)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(label("文件或文件夹（导出写到这里；导入从这里读：Excel/WPS 表格 .xlsx、CSV 或 HSDS 文件夹）",
                               "body", wrap=True))
        layout.addLayout(path_row)
        layout.addLayout(places)
        layout.addWidget(self.category)
        layout.addWidget(self.retire_missing)
        layout.addLayout(exports)
        layout.addLayout(actions)
        layout.addWidget(self.restore_box)
        layout.addWidget(self.output, 1)
        self._controls += self._pickers
        away = panel.take_away_message()
        if away:
            self._say(f"您离开时还在进行的操作已经完成：\n{away}")

    # -- helpers --------------------------------------------------------------------------------
    def _actor(self) -> str:
        session = self.panel.session
        return session.id if session is not None else "admin"

    def _say(self, text: str) -> None:
        self.output.setPlainText(text)

    def _path_changed(self) -> None:
        self.import_button.setEnabled(False)
        self.plan = None

    def _pick_file(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(self, "选择表格文件", self.path.text(),
                                                    "表格 (*.xlsx *.csv *.txt);;所有文件 (*)")
        if name:
            self.path.setText(name)

    def _pick_folder(self) -> None:
        name = QFileDialog.getExistingDirectory(self, "选择文件夹", self.path.text())
        if name:
            self.path.setText(name)

    # -- running a job off the GUI thread -------------------------------------------------------
    @property
    def busy(self) -> bool:
        """True while a job of this page runs (its buttons are off)."""
        return self.busy_kind is not None

    def _showing(self) -> bool:
        """This page still exists and belongs to the open tools (not destroyed by a lock under the job)."""
        if not alive(self):
            return False
        tools = self.panel.tools
        return tools is not None and alive(tools) and tools.pages.get("transfer") is self

    def _start(self, kind: str, work: Callable[[Connection], Any], *, said: Callable[[Any], str],
               after: Callable[[Any], None] | None = None, failed: Callable[[BaseException], str],
               after_error: Callable[[], None] | None = None, writes: bool = False) -> bool:
        """Run ``work`` on a job; ``said(result)`` / ``failed(exc)`` give the message, ``after`` updates the page.

        With the page gone by then (the worker left), the message waits on the panel and is logged; a job
        that wrote tells the panel either way, so the listings and resident screens are shown afresh.
        """
        if self.busy:
            return False
        self.busy_kind = kind
        for widget in self._controls:
            widget.setEnabled(False)
        self._say(f"{BUSY[kind]}\n{WAIT}")
        panel = self.panel

        def gone(text: str) -> None:
            if alive(panel):
                panel.remember_away(text)
            else:  # the office window closed meanwhile
                log.info("a worker job ended after its window was closed: %s", text.replace("\n", " "))

        def finish(text: str, then: Callable[[], None] | None) -> None:
            if not self._showing():
                gone(text)
                return
            self._ready()
            self._say(text)
            if then is not None:
                then()

        def done(result: Any) -> None:
            if writes and alive(panel):
                panel.content_changed()
            finish(said(result), (lambda: after(result)) if after is not None else None)

        def fail(exc: BaseException) -> None:
            if not isinstance(exc, KioskError | OSError):
                log.error("the %s job failed", kind, exc_info=exc)
            finish(failed(exc), after_error)

        self.job = run_job(panel.ctx.conn, kind, work, done=done, failed=fail)
        return True

    def _ready(self) -> None:
        self.job = None
        self.busy_kind = None
        for widget in self._controls:
            widget.setEnabled(True)
        plan = self.plan
        self.import_button.setEnabled(plan is not None and plan.ok and bool(plan.new or plan.changed))

    # -- actions --------------------------------------------------------------------------------
    def do_export(self, fmt: str) -> bool:
        """Export (xlsx, csv or an HSDS folder) to the path's folder or file; False when a job runs already."""
        now = self.panel.ctx.clock()
        typed = self.path.text().strip() or str(default_data_dir() / "exports")

        def work(conn: Connection) -> tuple[Path, int]:
            target = export_target(Path(typed), fmt, now)  # looks at the disk: off the GUI thread too
            return target, export(conn, fmt, target)  # type: ignore[arg-type]

        def after(result: tuple[Path, int]) -> None:
            self.last_export = result[0]

        self.last_export = None
        return self._start("export", work, said=exported_text, after=after, failed=lambda exc: f"导出失败：{exc}")

    def check(self) -> bool:
        """Dry run: list every problem (row, column, reason) and what would change; False when a job runs."""
        path = Path(self.path.text().strip())
        category = self.category.currentData() or None
        retire = self.retire_missing.isChecked()
        self.plan = None
        self.planned_path = None

        def work(conn: Connection) -> ImportPlan:
            return plan_import(conn, path, category=category, retire_missing=retire)

        def after(plan: ImportPlan) -> None:
            self.plan = plan
            self.planned_path = path
            self._ready()  # the import button follows the plan

        return self._start("check", work, said=lambda plan: plan_text(path, plan), after=after,
                           failed=lambda exc: f"不能检查：{exc}")

    def apply(self) -> bool:
        """Import the checked file (checked once more first), all or nothing, after a backup."""
        if self.plan is None or self.planned_path is None or self.busy:
            return False
        path = self.planned_path
        category = self.category.currentData() or None
        retire = self.retire_missing.isChecked()
        actor, now = self._actor(), self.panel.ctx.clock()

        def work(conn: Connection) -> Imported:
            plan = plan_import(conn, path, category=category, retire_missing=retire)
            if not plan.ok:
                return Imported(plan, None)
            return Imported(plan, apply_import(conn, plan, actor=actor, now=now).backup)

        def said(done: Imported) -> str:
            if not done.applied:
                return plan_text(path, done.plan)
            return (f"已导入：新增 {len(done.plan.new)} 条，修改 {len(done.plan.changed)} 条。\n导入前的备份："
                    f"{done.backup}\n如有问题，按“恢复最近的备份”就能回到导入前。")

        def after(done: Imported) -> None:
            self.plan = None if done.applied else done.plan
            self._ready()

        self.plan = None  # no second import of the same check
        return self._start("import", work, said=said, after=after, failed=lambda exc: f"导入失败：{exc}",
                           writes=True)

    def restore(self) -> bool:
        """Bring the listings of the newest backup back, keeping feedback, history, usage and the PIN.

        The first press only opens the confirm box, which says what changes and what stays; 确认恢复
        (or a second press) restores the backup the box named. False when nothing was started.
        """
        if self.busy:
            return False
        if self._restore_armed and self._restore_target is not None:
            return self._restore_now(self._restore_target)

        def work(conn: Connection) -> tuple[Path, WholeRestoreLoss] | None:
            found = backups_of(conn)
            if not found:
                return None
            return found[-1].path, whole_restore_losses(conn, found[-1].path)

        def said(found: tuple[Path, WholeRestoreLoss] | None) -> str:
            return "请在上面确认或取消恢复。" if found is not None else "还没有备份。"

        def after(found: tuple[Path, WholeRestoreLoss] | None) -> None:
            if found is None:
                return
            self._restore_armed = True
            self._restore_target = found[0]
            self.restore_summary.setText(confirm_text(*found))
            self._show_box(confirming=True)

        return self._start("prepare", work, said=said, after=after, failed=lambda exc: f"不能恢复：{exc}")

    def _restore_now(self, backup: Path) -> bool:
        self._cancel_restore()
        actor, now = self._actor(), self.panel.ctx.clock()

        def work(conn: Connection) -> RestoreResult:
            return restore_content(conn, backup, actor=actor, now=now)

        def after(result: RestoreResult) -> None:
            self._restored_entry = result.audit_id
            self.restore_summary.setText(restored_text(result) + "\n恢复错了？按“撤销这次恢复”（或在电脑上运行 "
                                         f"kiosk undo {result.audit_id}）。")
            self._show_box(confirming=False)

        return self._start("restore", work, said=restored_text, after=after, failed=lambda exc: f"恢复失败：{exc}",
                           writes=True)

    def undo_restore(self) -> bool:
        """Put the listings back as they were before the restore just made."""
        entry = self._restored_entry
        if entry is None or self.busy:
            return False
        actor, now = self._actor(), self.panel.ctx.clock()

        def work(conn: Connection) -> int:
            return undo_restore(conn, entry, actor=actor, now=now)

        return self._start("undo", work, said=lambda _id: "已撤销恢复：服务信息回到恢复前的样子。",
                           after=lambda _id: self._cancel_restore(), failed=lambda exc: f"不能撤销：{exc}",
                           writes=True)

    def _show_box(self, *, confirming: bool) -> None:
        self.restore_confirm.setVisible(confirming)
        self.restore_undo.setVisible(not confirming)
        self.restore_cancel.setText("取消" if confirming else "关闭")
        self.restore_box.show()

    def _cancel_restore(self) -> None:
        self._restore_armed = False
        self._restore_target = None
        self.restore_box.hide()
        self._restored_entry = None


@dataclass
class Imported:
    """An import job's outcome: the plan checked once more, and the backup (None: refused, nothing written)."""

    plan: ImportPlan
    backup: Path | None

    @property
    def applied(self) -> bool:
        return self.plan.ok


def export_target(target: Path, fmt: str, now: datetime) -> Path:
    """The file (csv, xlsx) or folder (hsds) an export writes, from what the worker typed or picked."""
    if fmt in ("csv", "xlsx") and (target.is_dir() or not target.suffix):
        return target / f"kiosk-services-{now:%Y%m%d-%H%M}.{fmt}"
    if fmt in ("csv", "xlsx") and target.suffix.lower() != f".{fmt}":
        return target.with_suffix(f".{fmt}")
    if fmt == "hsds" and target.suffix:
        return target.parent / f"kiosk-hsds-{now:%Y%m%d-%H%M}"
    if fmt == "hsds":
        return target / f"kiosk-hsds-{now:%Y%m%d-%H%M}"
    return target


def exported_text(result: tuple[Path, int]) -> str:
    target, count = result
    return (f"已导出 {count} 条服务到：\n{target}\n\n可以用 Excel 或 WPS 打开、修改、直接保存"
            "（表格和 CSV 都可以，GBK 编码也可以），然后在这里先“检查”再“导入”。")


def plan_text(path: Path, plan: ImportPlan) -> str:
    """The dry run as the worker reads it: the summary, every error and warning, then what would change."""
    lines = [f"检查 {path}：{plan.summary()}", ""]
    lines += [f"错误：{p}" for p in plan.problems]
    lines += [f"注意：{w}" for w in plan.warnings]
    if plan.ok:
        lines += plan.changes()
        lines.append("")
        lines.append("没有错误。按“导入”就会先自动备份，再全部导入。" if plan.new or plan.changed
                     else "没有需要导入的改动。")
    else:
        lines.append("")
        lines.append("有错误，不能导入：请改好文件后再检查。数据库没有任何改动。")
    return "\n".join(lines)


def confirm_text(backup: Path, kept: WholeRestoreLoss) -> str:
    """The confirm box: which backup, how many listings change, and what stays."""
    lines = [f"将恢复备份：{backup.name}",
             f"服务信息会回到备份时的样子（{kept.listings} 条服务会变）。现在的数据会先另存一份备份。"]
    stays = [line for line in kept.lines() if not line.startswith("备份之后修改的服务")]
    lines.append("备份之后的这些记录都保留，不会丢失：" if stays else "居民反馈、修改记录、使用统计和密码都保留。")
    lines += [f"  · {line}" for line in stays]
    return "\n".join(lines)


def restored_text(result: RestoreResult) -> str:
    note = (f"\n有 {result.orphan_feedback} 条居民反馈说的服务在备份里没有，反馈照样保留。"
            if result.orphan_feedback else "")
    return (f"已恢复：{result.backup.name}（{result.listings_changed} 条服务变回备份时的样子）\n"
            f"居民反馈、修改记录、使用统计和密码都没有变。{note}\n恢复前的数据保存在：{result.safety.name}")
