"""The 社区活动 tab and the event window, driven through the real widgets."""

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from models.core import files
from models.core.entities import Compound
from models.events import attendance, prep
from models.events.entities import CANCELLED, HELD, Event, EventPhoto, EventPublicity, EventTask
from models.events.templates import create_from_template
from tests.conftest import AS_OF
from ui.common import pdf_files, pdf_output
from ui.common.resident_picker import ResidentPicker
from ui.events import common as events_common
from ui.events.dialog import EventDialog
from ui.events.new_dialog import NewEventDialog
from ui.events.photos_page import PhotosPage
from ui.events.signin_page import SignInPage
from ui.events.tab import EventsTab

PHOTOS = Path(__file__).resolve().parent.parent / "resources" / "demo_photos"
TODAY = AS_OF


@pytest.fixture
def no_viewer(monkeypatch):
    opened = []
    monkeypatch.setattr(
        pdf_output.QDesktopServices,
        "openUrl",
        staticmethod(lambda url: opened.append(url.toLocalFile()) or True),
    )
    monkeypatch.setattr(pdf_files, "linux_has_pdf_handler", lambda: True)
    return opened


def _photos(tmp_path):
    paths = []
    for name, target in (("film_night.jpg", "放映现场.JPG"), ("double_ninth.jpg", "观众.jpg")):
        paths.append(str(shutil.copy(PHOTOS / name, tmp_path / target)))
    return paths


def _drive_new_dialog(template_row: int, day: dt.date):
    def act(dialog: NewEventDialog) -> None:
        dialog.templates.setCurrentRow(template_row)
        dialog.date.setDate(events_common.to_qdate(day))
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()

    return act


def test_new_event_from_template_then_complete_the_checklist(qtbot, clerk, dialogs):
    tab = EventsTab(clerk)
    qtbot.addWidget(tab)
    day = TODAY + dt.timedelta(days=14)
    dialogs.on(NewEventDialog, _drive_new_dialog(0, day))
    seen = {}

    def drive_event(dialog: EventDialog) -> None:
        page = dialog.prep_page
        seen["rows"] = page.table.rowCount()
        for row in range(page.table.rowCount()):
            page.table.item(row, 0).setCheckState(Qt.CheckState.Checked)  # what a click does
        seen["progress"] = page.progress.text()
        page.channel.setCurrentText("居民微信群")
        page.content.setText("周六晚7点2号门广场放映，欢迎自带板凳")
        page.add_pub.click()
        dialog.accept()

    dialogs.on(EventDialog, drive_event)
    qtbot.mouseClick(tab.new_button, Qt.MouseButton.LeftButton)
    event = Event.get()
    assert event.template_key == "film_night" and event.event_date == day
    assert seen["rows"] == 12 and seen["progress"] == "已完成 12/12 项"
    tasks = list(EventTask.select().where(EventTask.event == event.id))
    assert len(tasks) == 12 and all(t.done and t.done_by == "clerk" and t.done_at for t in tasks)
    assert EventPublicity.get().content.startswith("周六晚7点")
    # The tab lists it as upcoming with its progress, and the calendar marks the day.
    assert tab.model.rows[0].id == event.id and tab.model.rows[0].progress_text == "12/12"
    tab.calendar.setCurrentPage(day.year, day.month)
    assert day in tab.highlighted_days
    fmt = tab.calendar.dateTextFormat(events_common.to_qdate(day))
    assert fmt.background().color().name() == "#cfe3ff"


def test_overdue_items_stand_out_in_the_checklist(qtbot, clerk):
    event_id = create_from_template(clerk, "film_night", TODAY + dt.timedelta(days=2))
    dialog = EventDialog(clerk, event_id, page=2)
    qtbot.addWidget(dialog)
    table = dialog.prep_page.table
    assert "逾期" in table.item(0, 3).text()
    assert table.item(0, 1).background().color().name() == "#fde2e1"
    assert "6 项逾期" in dialog.prep_page.progress.text()
    assert table.item(11, 1).background().style() == Qt.BrushStyle.NoBrush  # due after the day


def test_film_night_as_a_new_user_through_to_the_brief(qtbot, clerk, dialogs, tmp_path, no_viewer):
    """Create, tick off, 80 attendees, two photos, summary, print the brief."""
    tab = EventsTab(clerk)
    qtbot.addWidget(tab)
    dialogs.on(NewEventDialog, _drive_new_dialog(0, TODAY))
    photos = _photos(tmp_path)
    dialogs.answer("open_files", photos)

    def drive_event(dialog: EventDialog) -> None:
        for row in range(dialog.prep_page.table.rowCount()):
            dialog.prep_page.table.item(row, 0).setCheckState(Qt.CheckState.Checked)
        dialog.photos_page.add.click()
        assert dialog.photos_page.list.count() == 2
        out = dialog.outcome_page
        out.held.setChecked(True)
        out.head_count.setValue(80)
        out.draft.click()
        out.summary.appendPlainText(
            "放映影片为《我和我的祖国》，放映前主持人提醒居民将手机调成静音。"
        )
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        assert not dialog.dirty
        dialog.accept()

    dialogs.on(EventDialog, drive_event)
    tab.new_button.click()
    event = Event.get()
    assert event.status == HELD and event.head_count == 80
    assert "共有80名居民参加" in event.summary and "我和我的祖国" in event.summary
    stored = list(EventPhoto.select().where(EventPhoto.event == event.id))
    assert len(stored) == 2 and all(files.resolve(p.path).is_file() for p in stored)

    pdf = tmp_path / "brief.pdf"
    dialogs.answer("save_file", pdf)
    dialogs.answer("confirm", True)  # give the brief its issue number
    tab.when.setCurrentIndex(tab.when.findData("all"))
    assert tab.select_event(event.id) and tab.brief_button.isEnabled()
    tab.brief_button.click()
    # Saved, then the note offers to open it: nothing opens by itself.
    assert no_viewer == []
    [saved] = [d for d in tab.findChildren(pdf_output.SavedDialog) if d.isVisible()]
    assert saved.path_text.text() == str(pdf)
    saved.open_button.click()
    assert no_viewer == [str(pdf)]
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "南关社区工作简报" in text and "第1期" in text and "80名居民" in text
    assert "报：城关街道办事处" in text and "共印5份" in text
    images = subprocess.run(
        ["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert len(images) == 2
    fonts = subprocess.run(
        ["pdffonts", str(pdf)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    cjk = [f for f in fonts if "Helvetica" not in f]
    assert cjk and all(" yes yes yes " in f for f in cjk)
    assert Event.get_by_id(event.id).brief_no == 1


def test_sign_in_list_from_the_register_and_absentees(qtbot, clerk, demo_small, dialogs):
    event_id = create_from_template(clerk, "double_ninth", TODAY)
    page = SignInPage(clerk, event_id)
    qtbot.addWidget(page)

    def pick(picker: ResidentPicker) -> None:
        picker.query.setText(picker_text)
        picker.run_search()
        for row in range(min(4, picker.model.rowCount())):
            picker.table.selectionModel().select(
                picker.model.index(row, 0),
                picker.table.selectionModel().SelectionFlag.Select
                | picker.table.selectionModel().SelectionFlag.Rows,
            )
        picker._accept()

    picker_text = "号楼"  # typed as a clerk would: every flat in a numbered building
    dialogs.on(ResidentPicker, pick)
    page.invite.click()
    assert page.table.rowCount() == 4
    for row in (0, 1):
        page.table.item(row, 3).setCheckState(Qt.CheckState.Checked)
    absent_names = [page.rows[r].name for r in (2, 3)]
    dialogs.answer("ask_text", "电话联系：外出")
    page.absent_only.setChecked(True)
    assert [page.rows[r].name for r in range(page.table.rowCount())] == absent_names
    page.table.selectRow(0)
    page.follow.click()
    assert page.counts.text() == "邀请 4 人，已签到 2 人，未到 2 人（已回访 1 人）"
    assert [a.name for a in attendance.attendees(event_id, absent_only=True)] == absent_names
    assert attendance.attendees(event_id, absent_only=True)[0].follow_up == "电话联系：外出"


def test_photo_is_copied_and_an_unreadable_one_is_refused(qtbot, clerk, db_path, tmp_path, dialogs):
    event_id = create_from_template(clerk, "clean_day", TODAY)
    good = _photos(tmp_path)[0]
    broken = tmp_path / "坏照片.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    page = PhotosPage(clerk, event_id)
    qtbot.addWidget(page)
    dialogs.answer("open_files", [good, str(broken)])
    dialogs.allow("warn")
    page.add.click()
    warnings = dialogs.texts("warn")
    assert page.list.count() == 1
    assert warnings and "无法读取图片“坏照片.jpg”" in warnings[0]
    photo = attendance.photos(event_id)[0]
    copied = db_path.with_name(db_path.stem + "-files") / photo.path
    assert copied.is_file() and copied.read_bytes() == Path(good).read_bytes()
    assert photo.original_name == "放映现场.JPG"
    Path(good).unlink()  # the copy beside the database is what the event keeps
    page.refresh()
    assert "无法读取" not in page.list.item(0).text()


def test_cancelling_asks_first_and_keeps_the_event(qtbot, clerk, dialogs):
    event_id = create_from_template(clerk, "fire_drill", TODAY + dt.timedelta(days=9))
    tab = EventsTab(clerk)
    qtbot.addWidget(tab)
    dialogs.answer("ask_text", "大风天气", "大风天气")
    dialogs.answer("confirm", False, True)
    assert tab.select_event(event_id)
    tab.cancel_button.click()
    assert (
        Event.get_by_id(event_id).status == "planned" and "确定取消" in dialogs.texts("confirm")[0]
    )
    tab.cancel_button.click()
    event = Event.get_by_id(event_id)
    assert event.status == CANCELLED and event.cancel_reason == "大风天气"
    tab.when.setCurrentIndex(tab.when.findData("all"))
    assert [r.status for r in tab.model.rows] == [CANCELLED]


def test_filters_by_compound_and_type_and_enter_opens(qtbot, clerk, dialogs):
    north = Compound.create(name="北关新村")
    south = Compound.create(name="南关小区")
    a = create_from_template(clerk, "fire_drill", TODAY + dt.timedelta(days=3), north.id)
    create_from_template(clerk, "clean_day", TODAY + dt.timedelta(days=4), south.id)
    create_from_template(clerk, "film_night", TODAY + dt.timedelta(days=5))
    tab = EventsTab(clerk)
    qtbot.addWidget(tab)
    assert len(tab.model.rows) == 3
    tab.compound.setCurrentIndex(tab.compound.findData(north.id))
    assert [r.id for r in tab.model.rows] == [a]
    tab.compound.setCurrentIndex(0)
    tab.event_type.setCurrentIndex(tab.event_type.findData("environment"))
    assert [r.compound_name for r in tab.model.rows] == ["南关小区"]
    tab.event_type.setCurrentIndex(0)
    opened = []
    dialogs.on(EventDialog, lambda d: opened.append(d.event_id) or d.reject())
    tab.show()
    qtbot.waitExposed(tab)
    tab.select_event(a)
    tab.table.setFocus()
    qtbot.keyClick(tab.table, Qt.Key.Key_Return)
    assert opened == [a]


def test_plan_and_budget_saved_from_the_window(qtbot, clerk, dialogs):
    event_id = create_from_template(clerk, "film_night", TODAY + dt.timedelta(days=10))
    dialog = EventDialog(clerk, event_id)
    qtbot.addWidget(dialog)
    dialog.plan_page.title.setText("“红色经典”露天电影放映")
    dialog.plan_page.texts["safety_plan"].appendPlainText("5. 备好手电筒两只。")
    grid = dialog.budget_page.budget
    grid.item(2, 3).setText("abc")
    dialogs.answer("warn", None)
    assert dialog.dirty and dialog.save() is False
    warnings = dialogs.texts("warn")
    assert "不是金额" in warnings[0] and "塑料凳" in warnings[0]
    grid.item(2, 3).setText("385")
    assert "实际支出 385.00 元" in dialog.budget_page.totals.text()
    assert dialog.save()
    event = Event.get_by_id(event_id)
    assert event.title == "“红色经典”露天电影放映" and "手电筒" in event.safety_plan
    assert prep.budget(event_id)[2].actual_fen == 38500


def test_items_of_an_event_already_held_take_the_day_they_were_done(qtbot, clerk, dialogs):
    """Recording a past event afterwards: new items are due on its day, ticks ask when."""
    from ui.events import prep_page as events_prep_page

    held = TODAY - dt.timedelta(days=9)
    event_id = create_from_template(clerk, "clean_day", held)
    dialog = EventDialog(clerk, event_id, page=2)
    qtbot.addWidget(dialog)
    page = dialog.prep_page
    asked = []

    def answer(dlg):
        asked.append(events_common.from_qdate(dlg.day.date()))
        assert dlg.day.maximumDate() == events_common.to_qdate(TODAY)
        dlg.day.setDate(events_common.to_qdate(held - dt.timedelta(days=1)))
        dlg.accept()

    dialogs.on(events_prep_page.DoneOnDialog, answer)
    task_id = page.rows[0].id
    page.table.item(0, 0).setCheckState(Qt.CheckState.Checked)
    assert asked == [held]  # offered the event's day first
    stored = EventTask.get_by_id(task_id)
    assert stored.done and stored.done_at == dt.datetime.combine(
        held - dt.timedelta(days=1), dt.time()
    )
    assert page.table.item(0, 5).text() == f"{held - dt.timedelta(days=1):%Y-%m-%d}"

    dialogs.on(events_prep_page.DoneOnDialog, lambda dlg: dlg.reject())
    second = page.rows[1].id
    page.table.item(1, 0).setCheckState(Qt.CheckState.Checked)
    assert not EventTask.get_by_id(second).done  # cancelled: nothing recorded
    assert page.table.item(1, 0).checkState() == Qt.CheckState.Unchecked

    def add(dlg):
        assert dlg.has_due.isChecked() and dlg.due.date() == events_common.to_qdate(held)
        dlg.title.setText("补记：清扫工具归还")
        dlg.accept()

    dialogs.on(events_prep_page.TaskDialog, add)
    page.add_task()
    added = EventTask.get(EventTask.title == "补记：清扫工具归还")
    assert added.due_date == held


def test_a_done_day_after_today_is_refused(clerk):
    event_id = create_from_template(clerk, "clean_day", TODAY - dt.timedelta(days=3))
    task = prep.tasks(event_id)[0]
    with pytest.raises(Exception, match="不能晚于今天"):
        prep.set_task_done(clerk, task.id, True, TODAY + dt.timedelta(days=1))
    assert not EventTask.get_by_id(task.id).done
