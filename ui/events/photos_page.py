"""Photos of the event as thumbnails: add (copied beside the database), caption, choose for the
brief."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QIcon, QImageReader, QPainter, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from models.core.entities import User
from models.events import attendance
from ui.common.dialogs import ask_text, open_files, warn
from ui.events.common import USER_ERRORS, confirm, show_error

THUMB = QSize(200, 150)


def thumbnail(path: str) -> QPixmap | None:
    """A scaled thumbnail read without loading the full photo; None if it cannot be read."""
    reader = QImageReader(path)
    reader.setAutoTransform(True)  # phone photos carry their rotation in EXIF
    size = reader.size()
    if size.isValid():
        reader.setScaledSize(size.scaled(THUMB, Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    if image.isNull():
        return None
    return QPixmap.fromImage(image)


def _broken_icon(text: str) -> QPixmap:
    pixmap = QPixmap(THUMB)
    pixmap.fill(QColor("#eeeeee"))
    painter = QPainter(pixmap)
    painter.setPen(QColor("#b00020"))
    painter.drawText(pixmap.rect(), Qt.AlignmentFlag.AlignCenter, text)
    painter.end()
    return pixmap


class PhotosPage(QWidget):
    def __init__(self, user: User, event_id: int, parent=None) -> None:
        super().__init__(parent)
        self.user = user
        self.event_id = event_id
        self.rows: list[attendance.PhotoRow] = []
        self.list = QListWidget()
        self.list.setObjectName("photo_list")
        self.list.setViewMode(QListView.ViewMode.IconMode)
        self.list.setIconSize(THUMB)
        self.list.setGridSize(QSize(THUMB.width() + 24, THUMB.height() + 48))
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.list.setMovement(QListView.Movement.Static)
        self.list.setWordWrap(True)
        self.list.itemDoubleClicked.connect(lambda _item: self.edit_caption())
        self.list.itemChanged.connect(self._item_changed)
        self.add = QPushButton(self.tr("添加照片…"))
        self.add.setObjectName("add_photo")
        self.add.clicked.connect(self.add_photos)
        self.caption = QPushButton(self.tr("照片说明…"))
        self.caption.clicked.connect(self.edit_caption)
        self.remove = QPushButton(self.tr("移除照片"))
        self.remove.clicked.connect(self.remove_photo)
        self.note = QLabel()
        self.note.setStyleSheet("color: #555;")
        bar = QHBoxLayout()
        for b in (self.add, self.caption, self.remove):
            bar.addWidget(b)
        bar.addStretch(1)
        bar.addWidget(self.note)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.list)
        self.refresh()

    def refresh(self) -> None:
        self.rows = attendance.photos(self.event_id)
        self.list.blockSignals(True)
        self.list.clear()
        for photo in self.rows:
            pixmap = thumbnail(str(photo.file))
            text = photo.caption or photo.original_name
            if pixmap is None:
                pixmap = _broken_icon(self.tr("无法读取"))
                text = self.tr("（无法读取）") + text
            item = QListWidgetItem(QIcon(pixmap), text)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if photo.in_brief else Qt.CheckState.Unchecked)
            item.setToolTip(self.tr("勾选的照片印入简报。双击填写说明。"))
            self.list.addItem(item)
        self.list.blockSignals(False)
        chosen = sum(1 for p in self.rows if p.in_brief)
        self.note.setText(
            self.tr("共 %1 张，%2 张印入简报（照片保存在数据库旁的附件文件夹，随备份一起保存）")
            .replace("%1", str(len(self.rows)))
            .replace("%2", str(chosen))
        )

    def add_photos(self) -> None:
        paths = open_files(
            self,
            self.tr("添加活动照片"),
            "",
            self.tr("照片 (*.jpg *.jpeg *.png *.bmp *.gif);;所有文件 (*)"),
        )
        problems = []
        for path in paths:
            try:
                attendance.add_photo(self.user, self.event_id, str(path))
            except USER_ERRORS as exc:
                problems.append(str(exc))
        self.refresh()
        if problems:
            warn(self, self.tr("添加照片"), "\n".join(problems))

    def _current(self) -> attendance.PhotoRow | None:
        row = self.list.currentRow()
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def _item_changed(self, item: QListWidgetItem) -> None:
        photo = self.rows[self.list.row(item)]
        try:
            attendance.set_photo(
                self.user, photo.id, photo.caption, item.checkState() == Qt.CheckState.Checked
            )
        except USER_ERRORS as exc:
            show_error(self, self.tr("照片"), exc)
        self.refresh()

    def edit_caption(self) -> None:
        photo = self._current()
        if photo is None:
            return
        text = ask_text(
            self, self.tr("照片说明"), self.tr("说明（印在简报照片下方）："), photo.caption
        )
        if text is None:
            return
        try:
            attendance.set_photo(self.user, photo.id, text, photo.in_brief)
        except USER_ERRORS as exc:
            show_error(self, self.tr("照片"), exc)
        self.refresh()

    def remove_photo(self) -> None:
        photo = self._current()
        if photo is None or not confirm(
            self,
            self.tr("移除照片"),
            self.tr("从本活动中移除这张照片吗？（文件仍保留在附件文件夹中）"),
        ):
            return
        try:
            attendance.remove_photo(self.user, photo.id)
        except USER_ERRORS as exc:
            show_error(self, self.tr("照片"), exc)
        self.refresh()

    def set_read_only(self, read_only: bool) -> None:
        for w in (self.add, self.caption, self.remove):
            w.setEnabled(not read_only)
