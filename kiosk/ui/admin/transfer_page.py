"""Import and export from the screen: the same as ``kiosk export`` / ``kiosk import --dry-run`` /
``kiosk import`` / ``kiosk restore``. An import is only offered after a clean check of that file."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

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
from kiosk.core.db.restore import restore_content, undo_restore, whole_restore_losses
from kiosk.core.errors import KioskError
from kiosk.core.exchange.transfer import ImportPlan, apply_import, export, plan_import
from kiosk.core.listings import editing as listings
from kiosk.core.terminal.paths import default_data_dir
from kiosk.ui.widgets.kinetic import enable_kinetic
from kiosk.ui.widgets.text import button, label

if TYPE_CHECKING:
    from kiosk.ui.admin.panel import AdminPanel


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

    # -- actions --------------------------------------------------------------------------------
    def do_export(self, fmt: str) -> Path | None:
        now = self.panel.ctx.clock()
        target = Path(self.path.text().strip() or str(default_data_dir() / "exports"))
        if fmt in ("csv", "xlsx") and (target.is_dir() or not target.suffix):
            target = target / f"kiosk-services-{now:%Y%m%d-%H%M}.{fmt}"
        elif fmt in ("csv", "xlsx") and target.suffix.lower() != f".{fmt}":
            target = target.with_suffix(f".{fmt}")
        elif fmt == "hsds" and target.suffix:
            target = target.parent / f"kiosk-hsds-{now:%Y%m%d-%H%M}"
        elif fmt == "hsds":
            target = target / f"kiosk-hsds-{now:%Y%m%d-%H%M}"
        try:
            count = export(self.panel.ctx.conn, fmt, target)  # type: ignore[arg-type]
        except (KioskError, OSError) as exc:
            self._say(f"导出失败：{exc}")
            return None
        self._say(f"已导出 {count} 条服务到：\n{target}\n\n可以用 Excel 或 WPS 打开、修改、直接保存"
                  "（表格和 CSV 都可以，GBK 编码也可以），然后在这里先“检查”再“导入”。")
        return target

    def check(self) -> ImportPlan | None:
        """Dry run: list every problem (row, column, reason) and what would change."""
        path = Path(self.path.text().strip())
        try:
            plan = plan_import(self.panel.ctx.conn, path, category=self.category.currentData() or None,
                               retire_missing=self.retire_missing.isChecked())
        except KioskError as exc:
            self._say(f"不能检查：{exc}")
            return None
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
        self._say("\n".join(lines))
        self.plan = plan
        self.planned_path = path
        self.import_button.setEnabled(plan.ok and bool(plan.new or plan.changed))
        return plan

    def apply(self) -> bool:
        """Import the checked file (checked once more right now), all or nothing, after a backup."""
        if self.plan is None or self.planned_path is None:
            return False
        plan = plan_import(self.panel.ctx.conn, self.planned_path, category=self.category.currentData() or None)
        if not plan.ok:
            self.check()
            return False
        result = apply_import(self.panel.ctx.conn, plan, actor=self._actor(), now=self.panel.ctx.clock())
        self.import_button.setEnabled(False)
        self.plan = None
        self._say(f"已导入：新增 {len(plan.new)} 条，修改 {len(plan.changed)} 条。\n导入前的备份：{result.backup}\n"
                  "如有问题，按“恢复最近的备份”就能回到导入前。")
        return True

    def restore(self) -> bool:
        """Bring the listings of the newest backup back, keeping feedback, history, usage and the PIN.

        The first press only opens the confirm box, which says what changes and what stays; 确认恢复
        (or a second press) restores.
        """
        conn = self.panel.ctx.conn
        try:
            found = backups_of(conn)
        except KioskError as exc:
            self._say(str(exc))
            return False
        newest = found[-1].path if found else None
        if newest is None:
            self._say("还没有备份。")
            return False
        if not self._restore_armed or self._restore_target != newest:
            try:
                kept = whole_restore_losses(conn, newest)
            except KioskError as exc:
                self._say(f"不能恢复：{exc}")
                return False
            self._restore_armed = True
            self._restore_target = newest
            lines = [f"将恢复备份：{newest.name}",
                     f"服务信息会回到备份时的样子（{kept.listings} 条服务会变）。现在的数据会先另存一份备份。"]
            stays = [line for line in kept.lines() if not line.startswith("备份之后修改的服务")]
            lines.append("备份之后的这些记录都保留，不会丢失：" if stays
                         else "居民反馈、修改记录、使用统计和密码都保留。")
            lines += [f"  · {line}" for line in stays]
            self.restore_summary.setText("\n".join(lines))
            self._show_box(confirming=True)
            self._say("请在上面确认或取消恢复。")
            return False
        self._cancel_restore()
        try:
            result = restore_content(conn, newest, actor=self._actor(), now=self.panel.ctx.clock())
        except KioskError as exc:
            self._say(f"恢复失败：{exc}")
            return False
        note = (f"\n有 {result.orphan_feedback} 条居民反馈说的服务在备份里没有，反馈照样保留。"
                if result.orphan_feedback else "")
        text = (f"已恢复：{newest.name}（{result.listings_changed} 条服务变回备份时的样子）\n"
                f"居民反馈、修改记录、使用统计和密码都没有变。{note}\n恢复前的数据保存在：{result.safety.name}")
        self._say(text)
        self._restored_entry = result.audit_id
        self.restore_summary.setText(text + "\n恢复错了？按“撤销这次恢复”（或在电脑上运行 kiosk undo "
                                     f"{result.audit_id}）。")
        self._show_box(confirming=False)
        return True

    def undo_restore(self) -> bool:
        """Put the listings back as they were before the restore just made."""
        if self._restored_entry is None:
            return False
        try:
            undo_restore(self.panel.ctx.conn, self._restored_entry, actor=self._actor(), now=self.panel.ctx.clock())
        except KioskError as exc:
            self._say(f"不能撤销：{exc}")
            return False
        self._cancel_restore()
        self._say("已撤销恢复：服务信息回到恢复前的样子。")
        return True

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
