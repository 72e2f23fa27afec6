"""The main window: four tabs, menus, status bar. Each tab lives in a file of its own."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QMessageBox,
    QTabWidget,
    QWidget,
)

from models.core.db import current_target, database_path, target_text
from models.core.entities import User
from models.core.permissions import ROLE_NAMES, Perm, can
from models.registry import compounds
from ui.casework.tab import CaseworkStatusLabel, CaseworkTab
from ui.common.dialogs import inform, open_file, run_modal, save_file, warn
from ui.common.worker import Job, run_with_progress
from ui.events.tab import EventsTab
from ui.facilities.tab import FacilitiesTab
from ui.registry.tab import RegistryTab


class MainWindow(QMainWindow):
    # Emitted when the user asks for another database file or another account.
    open_database_requested = Signal(str)
    switch_user_requested = Signal()
    restore_requested = Signal(str)  # a checked backup file: the controller restores, restarts

    def __init__(self, user: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.user = user
        self.setWindowTitle(self.tr("社区工作台"))
        self.resize(1200, 690)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("main_tabs")
        self.registry_tab = RegistryTab(user)
        self.casework_tab = CaseworkTab(user)
        self.events_tab = EventsTab(user)
        self.facilities_tab = FacilitiesTab(user)
        for widget, label in [
            (self.registry_tab, self.tr("户籍人口")),
            (self.casework_tab, self.tr("计生服务")),
            (self.events_tab, self.tr("社区活动")),
            (self.facilities_tab, self.tr("设施台账")),
        ]:
            self.tabs.addTab(widget, label)
        self.setCentralWidget(self.tabs)
        self._build_menus()
        self._build_status_bar()

    # -- menus ------------------------------------------------------------------------
    def _action(
        self, text: str, slot, shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(self.tr("文件(&F)"))
        file_menu.addAction(
            self._action(
                self.tr("打开数据库(&O)…"), self.open_database, QKeySequence.StandardKey.Open
            )
        )
        file_menu.addAction(self._action(self.tr("新建数据库(&N)…"), self.new_database))
        self.demo_action = self._action(self.tr("装入示范社区(&D)…"), self.offer_demo)
        file_menu.addAction(self.demo_action)
        file_menu.addSeparator()
        self.import_action = self._action(self.tr("导入花名册(&I)…"), self.import_register)
        self.import_action.setEnabled(can(self.user, Perm.REGISTRY_IMPORT))
        file_menu.addAction(self.import_action)
        self.export_action = self._action(self.tr("导出花名册(&E)…"), self.export_register)
        self.export_action.setEnabled(can(self.user, Perm.REGISTRY_VIEW))
        file_menu.addAction(self.export_action)
        file_menu.addSeparator()
        self.settings_action = self._action(self.tr("设置(&T)…"), self.open_settings)
        self.settings_action.setEnabled(can(self.user, Perm.SETTINGS_EDIT))
        file_menu.addAction(self.settings_action)
        file_menu.addSeparator()
        file_menu.addAction(self._action(self.tr("退出(&X)"), self.close, "Ctrl+Q"))

        backup_menu = bar.addMenu(self.tr("备份(&B)"))
        self.backup_action = self._action(self.tr("立即备份(&B)"), self.backup_now, "Ctrl+Shift+B")
        self.backup_action.setEnabled(can(self.user, Perm.BACKUP))
        backup_menu.addAction(self.backup_action)
        self.backup_file_action = self._action(self.tr("备份到其他位置(&A)…"), self.backup_to_file)
        self.backup_file_action.setEnabled(can(self.user, Perm.BACKUP))
        backup_menu.addAction(self.backup_file_action)
        backup_menu.addSeparator()
        self.restore_action = self._action(self.tr("恢复备份(&R)…"), self.restore_backup)
        self.restore_action.setEnabled(can(self.user, Perm.SETTINGS_EDIT))
        backup_menu.addAction(self.restore_action)
        self.backup_settings_action = self._action(self.tr("备份设置(&S)…"), self.backup_settings)
        self.backup_settings_action.setEnabled(can(self.user, Perm.SETTINGS_EDIT))
        backup_menu.addAction(self.backup_settings_action)

        users_menu = bar.addMenu(self.tr("用户(&U)"))
        self.manage_users_action = self._action(self.tr("用户管理(&M)…"), self.manage_users)
        self.manage_users_action.setEnabled(can(self.user, Perm.USERS_MANAGE))
        users_menu.addAction(self.manage_users_action)
        self.audit_action = self._action(self.tr("操作日志(&L)…"), self.show_audit_log)
        self.audit_action.setEnabled(can(self.user, Perm.AUDIT_VIEW))
        users_menu.addAction(self.audit_action)
        users_menu.addAction(self._action(self.tr("修改密码(&P)…"), self.change_password))
        users_menu.addSeparator()
        users_menu.addAction(self._action(self.tr("切换用户(&S)"), self.switch_user))

        view_menu = bar.addMenu(self.tr("视图(&V)"))
        for i in range(self.tabs.count()):
            view_menu.addAction(
                self._action(
                    self.tabs.tabText(i),
                    lambda _=False, i=i: self.tabs.setCurrentIndex(i),
                    f"Ctrl+{i + 1}",
                )
            )
        view_menu.addSeparator()
        view_menu.addAction(
            self._action(self.tr("刷新(&R)"), self.refresh, QKeySequence.StandardKey.Refresh)
        )

        reports_menu = bar.addMenu(self.tr("报表(&P)"))  # Alt+R is 查看完整号码
        self.monthly_report_action = self._action(
            self.tr("月度报表(&M)…"), self.monthly_report, QKeySequence.StandardKey.Print
        )
        self.household_forms_action = self._action(
            self.tr("人口信息登记表(&H)…"), lambda: self.open_report("households")
        )
        self.resident_list_action = self._action(
            self.tr("居民花名册(&L)…"), lambda: self.open_report("residents")
        )
        self.certificate_action = self._action(
            self.tr("开具证明(&C)…"), self.issue_certificate, "Ctrl+Shift+C"
        )
        for action in (
            self.monthly_report_action,
            self.household_forms_action,
            self.resident_list_action,
        ):
            action.setEnabled(can(self.user, Perm.REPORTS_PRINT))
            reports_menu.addAction(action)
        reports_menu.addSeparator()
        self.certificate_action.setEnabled(can(self.user, Perm.CERTIFICATE_ISSUE))
        reports_menu.addAction(self.certificate_action)

        help_menu = bar.addMenu(self.tr("帮助(&H)"))
        help_menu.addAction(
            self._action(
                self.tr("使用说明(&M)"),
                lambda: self.show_help(0),
                QKeySequence.StandardKey.HelpContents,
            )
        )
        help_menu.addAction(self._action(self.tr("快捷键一览(&K)"), lambda: self.show_help(1)))
        help_menu.addSeparator()
        help_menu.addAction(self._action(self.tr("关于社区工作台(&A)"), self.about))

    def _build_status_bar(self) -> None:
        role = ROLE_NAMES.get(self.user.role, self.user.role)
        self.user_label = QLabel(
            self.tr("用户：%1（%2）").replace("%1", self.user.display_name).replace("%2", role)
        )
        self.user_label.setObjectName("status_user")
        self.db_label = QLabel(self.tr("数据库：%1").replace("%1", target_text(current_target())))
        self.db_label.setObjectName("status_db")
        self.statusBar().addWidget(self.user_label)
        self.statusBar().addPermanentWidget(self.db_label)
        # Overdue casework as numbers only, for every role (see casework_worklist.overdue_counts).
        self.casework_label = CaseworkStatusLabel()
        self.statusBar().addWidget(self.casework_label)
        self.casework_tab.counts_changed.connect(self.casework_label.refresh)

    # -- actions ----------------------------------------------------------------------
    def refresh(self) -> None:
        # The four tabs built in __init__, in tab order (QTabWidget.widget() is typed QWidget).
        for tab in (self.registry_tab, self.casework_tab, self.events_tab, self.facilities_tab):
            tab.refresh()
        self.casework_label.refresh()
        self.demo_action.setEnabled(compounds.register_is_empty())

    def open_database(self) -> None:
        path = open_file(
            self,
            self.tr("打开数据库"),
            str(database_path() or ""),
            self.tr("社区工作台数据库 (*.sqlite3 *.db);;所有文件 (*)"),
        )
        if path is not None:
            self.open_database_requested.emit(str(path))

    def new_database(self) -> None:
        path = save_file(
            self,
            self.tr("新建数据库"),
            str(Path.home() / "社区工作台.sqlite3"),
            self.tr("社区工作台数据库 (*.sqlite3)"),
        )
        if path is None:
            return
        if path.exists():
            warn(
                self, self.tr("新建数据库"), self.tr("该文件已存在。为免覆盖数据，请换一个文件名。")
            )
            return
        self.open_database_requested.emit(str(path))

    def offer_demo(self) -> None:
        if not compounds.register_is_empty():
            inform(
                self, self.tr("示范社区"), self.tr("数据库中已有住户，示范社区只能装入空的数据库。")
            )
            return
        if self._ask_demo():
            self.load_demo()

    def _ask_demo(self) -> bool:
        # Question and details apart, each a short line: one long Chinese sentence wraps
        # mid-phrase in a QMessageBox.
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("示范社区"),
            self.tr("数据库中还没有住户。要装入示范社区吗？"),
            parent=self,
        )
        box.setObjectName("demo_offer")
        box.setInformativeText(
            self.tr("示范社区有12个小区、6554户、约23400人，\n均为虚构数据，便于熟悉本程序。")
        )
        details = box.findChild(QLabel, "qt_msgbox_informativelabel")
        if details is not None:  # as wide as its longest line, so a line never wraps
            metrics = details.fontMetrics()
            details.setMinimumWidth(
                max(metrics.horizontalAdvance(line) for line in box.informativeText().splitlines())
                + 8
            )
        load = box.addButton(self.tr("装入示范社区"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("以后再说"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(load)
        run_modal(box)
        return box.clickedButton() is load

    def load_demo(self) -> None:
        from models import demo  # heavy (pinyin dictionaries): only when asked for

        username = self.user.username

        def work(progress):
            return demo.generate(progress=progress, username=username)

        def done(summary) -> None:
            self.refresh()
            self.statusBar().showMessage(
                self.tr("已装入示范社区：%1 户，%2 人。")
                .replace("%1", f"{summary.households:,}")
                .replace("%2", f"{summary.residents:,}"),
                8000,
            )

        self._job: Job | None = run_with_progress(
            self,
            self.tr("示范社区"),
            self.tr("正在生成示范社区…"),
            work,
            done,
            lambda msg: warn(self, self.tr("示范社区"), msg),
        )

    def import_register(self) -> None:
        from ui.registry.import_dialog import ImportDialog

        dialog = ImportDialog(self.user, self)
        run_modal(dialog)
        if dialog.imported:
            self.refresh()

    def export_register(self) -> None:
        from ui.registry.import_dialog import export_register

        def done(summary) -> None:
            self.statusBar().showMessage(
                self.tr("已导出 %1 户、%2 人到 %3")
                .replace("%1", f"{summary.households:,}")
                .replace("%2", f"{summary.residents:,}")
                .replace("%3", str(summary.path)),
                8000,
            )

        self._job = export_register(self, self.user, done)

    def backup_now(self) -> None:
        from ui.admin import backup_actions

        backup_actions.backup_now(self)

    def backup_to_file(self) -> None:
        from ui.admin import backup_actions

        backup_actions.backup_to_file(self)

    def restore_backup(self) -> None:
        from ui.admin import backup_actions

        backup_actions.choose_restore(self)

    def backup_settings(self) -> None:
        from ui.admin import backup_actions

        backup_actions.open_backup_settings(self)

    def open_settings(self) -> None:
        from ui.admin import backup_actions

        backup_actions.open_settings(self)

    def manage_users(self) -> None:
        from ui.admin.users_dialog import UsersDialog

        run_modal(UsersDialog(self.user, self))

    def show_audit_log(self) -> None:
        from ui.admin.audit_dialog import AuditDialog

        run_modal(AuditDialog(self.user, self))

    def change_password(self) -> None:
        from ui.admin.password_dialog import ChangePasswordDialog

        if run_modal(ChangePasswordDialog(self.user, self)):
            self.statusBar().showMessage(self.tr("密码已修改。"), 5000)

    def switch_user(self) -> None:
        self.switch_user_requested.emit()

    def monthly_report(self) -> None:
        self.open_report("monthly")

    def open_report(self, kind: str) -> None:
        from ui.monthly.report_dialog import ReportDialog

        run_modal(ReportDialog(self.user, self, kind))

    def issue_certificate(self) -> None:
        from ui.certificates.dialog import CertificateDialog

        run_modal(CertificateDialog(self.user, self))

    def show_help(self, page: int = 0) -> None:
        from ui.common.help_dialog import HelpDialog

        run_modal(HelpDialog(self.menuBar(), self, page))

    def about(self) -> None:
        from ui.common.about_dialog import AboutDialog

        run_modal(AboutDialog(self))
