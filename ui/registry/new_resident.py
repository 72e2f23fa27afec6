"""新增居民: where the new person goes (the selected person's household or a new one) and how
they came (迁入, 出生, 补录), chosen before the resident form opens."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QRadioButton,
    QVBoxLayout,
)

from models.registry.search import ResidentRow


class NewResidentChooser(QDialog):
    """Where the new person goes and how they came: the choice before the form opens."""

    MODES = [
        ("move_in", "迁入登记（新迁来）"),
        ("birth", "出生登记"),
        ("register", "补录（已在此居住，登记时遗漏）"),
    ]

    def __init__(self, row: ResidentRow | None, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("新增居民"))
        self.household_id: int | None = None
        self.mode = "move_in"
        layout = QVBoxLayout(self)
        self.to_selected = QRadioButton(
            self.tr("加入所选居民的户：%1（%2）")
            .replace("%1", row.household_no)
            .replace("%2", row.address)
            if row and row.household_id
            else self.tr("加入所选居民的户")
        )
        self.to_new = QRadioButton(self.tr("新建一户"))
        self.to_selected.setEnabled(bool(row and row.household_id and row.status == "current"))
        (self.to_selected if self.to_selected.isEnabled() else self.to_new).setChecked(True)
        self._row = row
        layout.addWidget(QLabel(self.tr("新居民加入：")))
        layout.addWidget(self.to_selected)
        layout.addWidget(self.to_new)
        layout.addWidget(QLabel(self.tr("登记方式：")))
        self.group = QButtonGroup(self)
        for i, (mode, label) in enumerate(self.MODES):
            button = QRadioButton(self.tr(label))
            button.setObjectName(f"mode_{mode}")
            button.setChecked(i == 0)
            self.group.addButton(button, i)
            layout.addWidget(button)
        # A new household has no head yet, and a newborn cannot head one.
        self.birth_note = QLabel(self.tr("出生登记须加入已有户主的户。"))
        self.birth_note.setStyleSheet("color: #555;")
        layout.addWidget(self.birth_note)
        self.to_new.toggled.connect(self._where_changed)
        self._where_changed()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._ok)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _where_changed(self) -> None:
        birth = self.group.button(1)
        new = self.to_new.isChecked()
        if new and birth.isChecked():
            self.group.button(0).setChecked(True)
        birth.setEnabled(not new)
        self.birth_note.setVisible(new)

    def _ok(self) -> None:
        self.mode = self.MODES[max(0, self.group.checkedId())][0]
        if self.to_selected.isChecked() and self._row:
            self.household_id = self._row.household_id
        self.accept()
