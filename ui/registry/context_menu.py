"""Right-click menus and the Delete key for the registry's tables (people, household members,
life events): the actions that apply to the row under the mouse, greyed with a reason when
they do not. Nothing here deletes: Delete on a person offers 迁出 or 死亡注销, on an event 撤销.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, QPoint, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMenu,
    QRadioButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from models.registry import life_events
from models.registry.residents import STATUS_NAMES
from ui.common.dialogs import inform, run_modal
from ui.registry.widgets import INFO_STYLE


@dataclass(frozen=True)
class Item:
    """One menu entry; a greyed entry says in its tooltip why it does not apply."""

    key: str
    text: str
    slot: Callable[[], object]
    enabled: bool = True
    tip: str = ""


Entries = list[Item | None]  # None: a separator


def build_menu(parent: QWidget, items: Entries) -> QMenu:
    menu = QMenu(parent)
    menu.setObjectName("registry_context_menu")
    menu.setToolTipsVisible(True)
    for item in items:
        if item is None:
            if menu.actions() and not menu.actions()[-1].isSeparator():
                menu.addSeparator()
            continue
        action = menu.addAction(item.text)
        action.setObjectName(f"menu_{item.key}")
        action.setEnabled(item.enabled)
        if item.tip:
            action.setToolTip(item.tip)
        action.triggered.connect(lambda _checked=False, slot=item.slot: slot())
    return menu


def action_of(menu: QMenu, key: str):
    """The menu's action for *key* (tests and callers look actions up by key)."""
    return next((a for a in menu.actions() if a.objectName() == f"menu_{key}"), None)


class _ViewHooks(QObject):
    """Right-click and Delete on one table view."""

    def __init__(
        self,
        view: QTableView,
        items_for: Callable[[], Entries],
        on_delete: Callable[[], object] | None,
    ) -> None:
        super().__init__(view)
        self.view = view
        self.items_for = items_for
        self.on_delete = on_delete
        self.menu: QMenu | None = None  # the last menu shown (kept until the next one)
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(self.show_menu)
        # A filter on the table alone: Delete in a text box (the search field) stays Delete.
        view.installEventFilter(self)

    def show_menu(self, pos: QPoint) -> QMenu | None:
        index = self.view.indexAt(pos)
        if not index.isValid():
            return None
        # The menu acts on the row under the mouse, so that row becomes the selected one.
        self.view.selectRow(index.row())
        self.view.setCurrentIndex(index)
        items = self.items_for()
        if not any(items):
            return None
        if self.menu is not None:
            self.menu.deleteLater()
        self.menu = build_menu(self.view, items)
        self.menu.popup(self.view.viewport().mapToGlobal(pos))
        return self.menu

    def eventFilter(self, obj, event) -> bool:
        if (
            obj is self.view
            and self.on_delete is not None
            and event.type() == QEvent.Type.KeyPress
            and event.key() == Qt.Key.Key_Delete
            and event.modifiers()
            in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)
        ):
            if self.view.selectionModel().hasSelection():
                self.on_delete()
            return True
        return super().eventFilter(obj, event)


def attach(
    view: QTableView,
    items_for: Callable[[], Entries],
    on_delete: Callable[[], object] | None = None,
) -> _ViewHooks:
    """Give *view* a right-click menu (items_for() builds it for the selected row) and, with
    on_delete, the Delete key."""
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    hooks = _ViewHooks(view, items_for, on_delete)
    view.setProperty("has_context_menu", True)
    return hooks


# -- what applies to whom ---------------------------------------------------------------
def resident_items(
    parent: QWidget, status: str, editable: bool, slots: dict[str, Callable[[], object]]
) -> Entries:
    """A person's actions; only those with a slot in *slots* are offered."""
    tr = parent.tr
    state = STATUS_NAMES.get(status, status)
    current = status == "current"
    no_right = tr("您没有修改户籍信息的权限")
    not_current = tr("此人%1，不在册").replace("%1", state)
    rows: list[tuple[str, str, bool, str] | None] = [
        ("edit", tr("编辑(&E)…"), True, ""),
        ("correct", tr("更正信息(&C)…"), editable, "" if editable else no_right),
        None,
        ("move_out", tr("迁出(&O)…"), editable and current, not_current if not current else ""),
        ("death", tr("死亡注销(&D)…"), editable and current, not_current if not current else ""),
        (
            "move_back",
            tr("迁回(&I)…"),
            editable and status == "moved_out",
            "" if status == "moved_out" else tr("只有已迁出的人员可以迁回"),
        ),
        ("category", tr("类别变更(&K)…"), editable and current, not_current if not current else ""),
        (
            "move_member",
            tr("迁至他户(&M)…"),
            editable and current,
            not_current if not current else "",
        ),
        None,
        ("history", tr("查看历史(&H)"), True, ""),
    ]
    return _entries(rows, slots, editable, no_right)


def household_items(
    parent: QWidget,
    archived: bool,
    has_members: bool,
    editable: bool,
    slots: dict[str, Callable[[], object]],
) -> Entries:
    tr = parent.tr
    no_right = tr("您没有修改户籍信息的权限")
    closed = tr("该户已注销")
    open_ = not archived and has_members
    rows: list[tuple[str, str, bool, str] | None] = [
        None,
        ("household", tr("户信息(&F)…"), True, ""),
        ("change_head", tr("变更户主(&Z)…"), editable and open_, closed if not open_ else ""),
        ("split", tr("分户(&P)…"), editable and open_, closed if not open_ else ""),
        (
            "merge",
            tr("合户/注销本户(&G)…"),
            editable and open_,
            closed if not open_ else tr("本户人员并入他户，本户注销（记录保留）"),
        ),
    ]
    return _entries(rows, slots, editable, no_right)


def event_items(
    parent: QWidget,
    row: life_events.EventRow,
    editable: bool,
    slots: dict[str, Callable[[], object]],
) -> Entries:
    tr = parent.tr
    no_right = tr("您没有修改户籍信息的权限")
    correctable = life_events.correctable(row)
    revocable = life_events.revocable(row)
    if row.voided:
        why = tr("该登记已被更正或撤销")
    elif row.kind in ("void", "record_fix"):
        why = tr("更正、撤销记录本身不能再更正或撤销")
    else:
        why = ""
    if revocable or why:
        revoke_why = why
    elif row.kind in life_events.REVOCABLE:
        revoke_why = tr("此后状态又有变化，只能撤销最近的一条")
    else:
        revoke_why = tr("出生、迁入和户内变动登记不能撤销；如有错误请更正日期或原因")
    rows: list[tuple[str, str, bool, str] | None] = [
        ("correct_event", tr("更正(&C)…"), editable and correctable, why),
        ("revoke_event", tr("撤销(&V)…"), editable and revocable, revoke_why),
    ]
    return _entries(rows, slots, editable, no_right)


def _entries(
    rows: list[tuple[str, str, bool, str] | None],
    slots: dict[str, Callable[[], object]],
    editable: bool,
    no_right: str,
) -> Entries:
    out: Entries = []
    for row in rows:
        if row is None:
            out.append(None)
            continue
        key, text, enabled, tip = row
        if key in slots:
            if not editable and not enabled and key not in ("edit", "history", "household"):
                tip = no_right
            out.append(Item(key, text, slots[key], enabled, "" if enabled else tip))
    return out


# -- the Delete key on a person ---------------------------------------------------------
class EndingChooser(QDialog):
    """Delete on a person: which ending — 迁出 or 死亡注销 (the record is never deleted)."""

    def __init__(self, name: str, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("结束在册登记"))
        self.kind = "move_out"
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("%1不再在本社区在册，原因是：").replace("%1", name)))
        self.group = QButtonGroup(self)
        for i, (kind, text) in enumerate(
            [("move_out", self.tr("迁出(&O)")), ("death", self.tr("死亡注销(&D)"))]
        ):
            button = QRadioButton(text)
            button.setObjectName(f"ending_{kind}")
            button.setChecked(i == 0)
            self.group.addButton(button, i)
            layout.addWidget(button)
        note = QLabel(
            self.tr(
                "登记不会被删除：状态改为“已迁出”或“已死亡”，历史记录保留。"
                "如是误录，请在变动记录中撤销或更正。"
            )
        )
        note.setWordWrap(True)
        note.setStyleSheet(INFO_STYLE)
        layout.addWidget(note)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("下一步(&N)…"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self._ok)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        layout.addWidget(buttons)

    def _ok(self) -> None:
        self.kind = "death" if self.group.checkedId() == 1 else "move_out"
        self.accept()


def choose_ending(parent: QWidget, name: str, status: str, editable: bool) -> str | None:
    """The ending the clerk picks for Delete on a person ("move_out", "death"), or None."""
    if not editable:
        inform(parent, parent.tr("结束在册登记"), parent.tr("您没有修改户籍信息的权限。"))
        return None
    if status != "current":
        inform(
            parent,
            parent.tr("结束在册登记"),
            parent.tr("%1%2，已不在册；登记不能删除。如是误录，请在其变动记录中撤销。")
            .replace("%1", name)
            .replace("%2", STATUS_NAMES.get(status, status)),
        )
        return None
    chooser = EndingChooser(name, parent)
    try:
        return chooser.kind if run_modal(chooser) == QDialog.DialogCode.Accepted else None
    finally:
        chooser.deleteLater()


def explain_not_revocable(parent: QWidget, row: life_events.EventRow) -> None:
    """Delete on an event that cannot be revoked: say why instead of doing nothing."""
    items = event_items(parent, row, True, {"revoke_event": lambda: None})
    tip = items[0].tip if items and items[0] is not None else ""
    inform(parent, parent.tr("撤销登记"), tip or parent.tr("这条登记不能撤销。"))
