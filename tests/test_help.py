"""帮助 → 使用说明 (F1): the everyday tasks and a shortcut list read from the window's actions."""

from __future__ import annotations

from PySide6.QtCore import Qt

from ui.common.help_dialog import HelpDialog, menu_shortcuts


def test_f1_opens_the_manual_and_the_list_names_the_real_shortcuts(
    qtbot, demo_small, admin, dialogs
):
    from ui.main_window import MainWindow

    window = MainWindow(admin)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    seen: dict[str, str] = {}

    def read(dialog: HelpDialog) -> None:
        seen["manual"] = dialog.manual.toPlainText()
        seen["keys"] = dialog.keys.toPlainText()
        dialog.reject()

    dialogs.on(HelpDialog, read)
    qtbot.keyClick(window, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: "keys" in seen, timeout=5000)
    dialogs.check("HelpDialog")
    assert "找到一位居民" in seen["manual"] and "导入现有的花名册工作簿" in seen["manual"]
    rows = menu_shortcuts(window.menuBar())
    names = {what for _menu, what, _keys in rows}
    assert "月度报表" in names and "使用说明" in names
    for _menu, what, keys in rows:  # every menu shortcut is listed with its keys
        assert what in seen["keys"] and keys in seen["keys"]
    assert "Alt+R" in seen["keys"] and "查看完整身份证号码" in seen["keys"]
