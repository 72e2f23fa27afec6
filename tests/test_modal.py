from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from ui.common.modal import run_modal


def test_a_modal_dialog_is_freed_after_use(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    dialog = QDialog(parent)
    destroyed = []
    dialog.destroyed.connect(lambda *_: destroyed.append(True))
    QTimer.singleShot(0, lambda: QApplication.activeModalWidget().accept())
    assert run_modal(dialog) == QDialog.DialogCode.Accepted
    qtbot.waitUntil(lambda: destroyed == [True], timeout=5000)
    assert parent.findChildren(QDialog) == []
