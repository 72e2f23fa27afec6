import pytest

from models import audit, compounds
from models.permissions import PermissionDenied
from ui.audit_dialog import AuditDialog
from ui.main_window import MainWindow


def test_supervisor_reads_the_log_with_before_and_after(qtbot, clerk, supervisor):
    compound = compounds.create_compound(clerk, "南关小区", "县供电公司")
    compounds.update_compound(clerk, compound, lead_unit="县教育局")
    dialog = AuditDialog(supervisor)
    qtbot.addWidget(dialog)
    dialog.who.setCurrentIndex(dialog.who.findData("clerk"))
    actions = [row.action for row in dialog.model.rows]
    assert actions == ["update", "create"]  # newest first, only the clerk's rows
    dialog.view.selectRow(0)
    assert "县供电公司" in dialog.before.toPlainText()
    assert "县教育局" in dialog.after.toPlainText()
    dialog.text.insert("县教育局")
    dialog.refresh()
    assert [row.action for row in dialog.model.rows] == ["update"]


def test_a_clerk_may_not_read_the_log(qtbot, clerk):
    with pytest.raises(PermissionDenied):
        audit.search_log(clerk)
    window = MainWindow(clerk)
    qtbot.addWidget(window)
    assert not window.audit_action.isEnabled()
