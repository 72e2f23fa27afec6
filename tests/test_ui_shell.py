"""Sign-in, first start and the main window, driven through the real widgets."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from models.core.entities import AuditLog, User
from models.core.permissions import Role
from tests.conftest import PASSWORD
from ui.admin.users_dialog import NewUserDialog
from ui.login_dialogs import FirstAdminDialog, LoginDialog
from ui.main_window import MainWindow


def _ok(dialog):
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)


def test_first_start_creates_the_administrator(qtbot, db):
    dialog = FirstAdminDialog()
    qtbot.addWidget(dialog)
    dialog.username.clear()
    qtbot.keyClicks(dialog.username, "zhangming")
    dialog.display_name.insert("张明")  # QTest types ASCII only; an IME commits text like this
    qtbot.keyClicks(dialog.password, "abc12345")
    qtbot.keyClicks(dialog.password2, "abc12399")
    qtbot.mouseClick(_ok(dialog), Qt.MouseButton.LeftButton)
    assert "不一致" in dialog.error.text() and User.select().count() == 0
    dialog.password2.clear()
    qtbot.keyClicks(dialog.password2, "abc12345")
    qtbot.mouseClick(_ok(dialog), Qt.MouseButton.LeftButton)
    user = User.get(User.username == "zhangming")
    assert user.role == Role.ADMIN.value and user.display_name == "张明"
    assert dialog.result() == FirstAdminDialog.DialogCode.Accepted


def test_login_dialog_refuses_then_locks(qtbot, clerk):
    dialog = LoginDialog("desk.sqlite3")
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.username, "clerk")
    for _ in range(5):
        qtbot.keyClicks(dialog.password, "wrong-one1")
        qtbot.mouseClick(_ok(dialog), Qt.MouseButton.LeftButton)
    assert "锁定" in dialog.error.text()
    assert dialog.password.text() == ""  # cleared after each failure
    assert User.get(User.username == "clerk").locked_until is not None
    qtbot.keyClicks(dialog.password, PASSWORD)
    qtbot.mouseClick(_ok(dialog), Qt.MouseButton.LeftButton)
    assert dialog.user is None and "锁定" in dialog.error.text()


def test_login_dialog_signs_in(qtbot, clerk):
    dialog = LoginDialog("desk.sqlite3")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.keyClicks(dialog.username, "clerk")
    qtbot.keyClicks(dialog.password, PASSWORD)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.user is not None and dialog.user.username == "clerk"
    assert AuditLog.select().where(AuditLog.action == "login").count() == 1
    # The next sign-in on this PC offers the same user name and waits for the password.
    again = LoginDialog("desk.sqlite3")
    qtbot.addWidget(again)
    assert again.username.text() == "clerk" and again.password.text() == ""


def test_main_window_tabs_shortcuts_and_status_bar(qtbot, admin, demo_small):
    window = MainWindow(admin)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    labels = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert labels == ["户籍人口", "计生服务", "社区活动", "设施台账"]
    keys = {1: Qt.Key.Key_1, 2: Qt.Key.Key_2, 3: Qt.Key.Key_3, 4: Qt.Key.Key_4}
    for i in (3, 2, 4, 1):
        qtbot.keyClick(window, keys[i], Qt.KeyboardModifier.ControlModifier)
        assert window.tabs.currentIndex() == i - 1
    assert "系统管理员" in window.user_label.text()
    assert "desk.sqlite3" in window.db_label.text()
    # The registry tab shows the demo community's totals from the database.
    total = sum(r.residents for r in window.registry_tab.summary_model.rows)
    assert total > 200 and f"{total:,}" in window.registry_tab.summary_heading.text()


def test_clerk_window_hides_user_management(qtbot, clerk):
    window = MainWindow(clerk)
    qtbot.addWidget(window)
    assert not window.manage_users_action.isEnabled()
    assert "社区工作人员" in window.user_label.text()


def test_admin_adds_a_user_through_the_dialog(qtbot, admin):
    dialog = NewUserDialog(admin)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.username, "wangxy")
    dialog.display_name.insert("王秀英")
    dialog.role.setCurrentIndex(dialog.role.findData(Role.CASEWORK.value))
    qtbot.keyClicks(dialog.password, "short")
    dialog._submit()
    assert (
        "至少" in dialog.error.text()
        and not User.select().where(User.username == "wangxy").exists()
    )
    dialog.password.clear()
    qtbot.keyClicks(dialog.password, "jisheng2026")
    dialog._submit()
    created = User.get(User.username == "wangxy")
    assert created.role == Role.CASEWORK.value
    assert (
        AuditLog.select()
        .where((AuditLog.table_name == "user") & (AuditLog.action == "create"))
        .count()
        == 2
    )


def test_demo_offer_is_a_short_question_with_plain_choices(
    qtbot, admin, monkeypatch, demo_offer_declined, dialogs
):
    from PySide6.QtWidgets import QMessageBox

    monkeypatch.setattr(MainWindow, "_ask_demo", demo_offer_declined)  # the real box
    window = MainWindow(admin)
    qtbot.addWidget(window)
    loaded = []
    monkeypatch.setattr(window, "load_demo", lambda: loaded.append(True))
    seen = {}

    def answer(label):
        def act(box):
            seen["text"], seen["details"] = box.text(), box.informativeText()
            seen["buttons"] = [b.text() for b in box.buttons()]
            from PySide6.QtWidgets import QLabel

            info = box.findChild(QLabel, "qt_msgbox_informativelabel")
            seen["fits"] = all(
                info.width() >= info.fontMetrics().horizontalAdvance(line)
                for line in info.text().splitlines()
            )
            next(b for b in box.buttons() if b.text() == label).click()

        return act

    for label in ("以后再说", "装入示范社区"):
        dialogs.on(QMessageBox, answer(label))
        window.offer_demo()
        dialogs.check("QMessageBox")
    assert loaded == [True]  # only the second answer loads
    assert seen["text"] == "数据库中还没有住户。要装入示范社区吗？"
    # each line of the details short enough not to wrap inside a phrase
    lines = seen["details"].splitlines()
    assert len(lines) == 2 and all(len(line) <= 26 for line in lines)
    assert set(seen["buttons"]) == {"装入示范社区", "以后再说"}
    assert seen["fits"]  # no line of the details wraps
