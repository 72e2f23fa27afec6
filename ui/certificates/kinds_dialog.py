"""证明种类管理 (administrators): add, edit, enable or disable the kinds of certificate.

The kinds committees may no longer issue are listed with their reasons; the service refuses
them whatever is typed here.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from models.certificates import service as certificates
from models.core.permissions import PermissionDenied
from ui.common.dialogs import warn
from ui.common.table_model import Column, RowsTableModel


class CertificateKindsDialog(QDialog):
    def __init__(self, user: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.user = user
        self.setWindowTitle(self.tr("证明种类管理"))
        self.resize(860, 680)
        self.model = RowsTableModel(
            [
                Column(self.tr("名称"), lambda k: k.name),
                Column(
                    self.tr("状态"), lambda k: self.tr("启用") if k.enabled else self.tr("停用")
                ),
                Column(self.tr("法律依据"), lambda k: k.legal_basis),
            ]
        )
        self.table = QTableView()
        self.table.setObjectName("kinds_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.name = QLineEdit()
        self.name.setObjectName("kind_name")
        self.basis = QLineEdit()
        self.basis.setObjectName("kind_basis")
        self.basis.setPlaceholderText(
            self.tr("法律、法规或规章的名称和条款，例如《居住证暂行条例》")
        )
        self.basis.setToolTip(
            self.tr(
                "民发〔2020〕20号：居委会只出具法律法规有依据的证明；"
                "亲属关系、婚姻状况、健在等20类证明不得出具。"
            )
        )
        self.enabled = QCheckBox(self.tr("启用"))
        self.enabled.setObjectName("kind_enabled")
        self.enabled.setChecked(True)
        self.body = QPlainTextEdit()
        self.body.setObjectName("kind_body")
        self.body.setPlaceholderText(self.tr("证明正文，每段一行，可用填充项如 {name}"))
        help_text = "　".join("{" + k + "}" + v for k, v in certificates.PLACEHOLDERS.items())
        placeholders = QLabel(self.tr("可用填充项：") + help_text)
        placeholders.setWordWrap(True)
        self.new_button = QPushButton(self.tr("新建(&N)"))
        self.new_button.clicked.connect(self.new_kind)
        self.save_button = QPushButton(self.tr("保存(&S)"))
        self.save_button.setObjectName("kind_save")
        self.save_button.clicked.connect(self.save)
        forbidden = QTextBrowser()
        forbidden.setObjectName("kinds_forbidden")
        forbidden.setHtml(
            "<p>"
            + self.tr("以下证明居委会不再出具（名称中含有相关字样的种类一律不能新增或启用）：")
            + "</p><ul>"
            + "".join(
                f"<li><b>{k.name}</b>：{k.authority}</li>" for k in certificates.FORBIDDEN_KINDS
            )
            + "</ul>"
        )
        close = QPushButton(self.tr("关闭"))
        close.clicked.connect(self.accept)

        form = QFormLayout()
        form.addRow(self.tr("名称："), self.name)
        form.addRow(self.tr("法律依据（必填）："), self.basis)
        form.addRow("", self.enabled)
        form.addRow(self.tr("正文："), self.body)
        form.addRow("", placeholders)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(form, 2)
        layout.addLayout(buttons)
        layout.addWidget(forbidden, 1)
        self.editing: int | None = None
        self.table.selectionModel().selectionChanged.connect(self._selected)
        self.refresh()

    def refresh(self) -> None:
        self.model.set_rows(certificates.list_kinds(include_disabled=True))
        self.table.resizeColumnsToContents()

    def _selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        kind = self.model.row_at(rows[0].row())
        self.editing = kind.id
        self.name.setText(kind.name)
        self.basis.setText(kind.legal_basis)
        self.enabled.setChecked(kind.enabled)
        self.body.setPlainText(kind.body)

    def new_kind(self) -> None:
        self.table.clearSelection()
        self.editing = None
        self.name.clear()
        self.basis.clear()
        self.enabled.setChecked(True)
        self.body.setPlainText(certificates.RESIDENCE_BODY)
        self.name.setFocus()

    def save(self) -> None:
        try:
            if self.editing is None:
                kind = certificates.add_kind(
                    self.user, self.name.text(), self.body.toPlainText(), self.basis.text()
                )
                if not self.enabled.isChecked():
                    certificates.update_kind(self.user, kind.id, enabled=False)
            else:
                certificates.update_kind(
                    self.user,
                    self.editing,
                    name=self.name.text(),
                    body=self.body.toPlainText(),
                    legal_basis=self.basis.text(),
                    enabled=self.enabled.isChecked(),
                )
        except (certificates.CertificateError, PermissionDenied) as exc:
            warn(self, self.tr("证明种类"), str(exc))
            return
        self.refresh()
