"""Small pieces the 设施台账 tab and its dialogs share: photo picking and thumbnails,
a table model that colours rows, date helpers, the summary panel."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QColor, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from models.facilities.assess import Compliance, format_area
from models.facilities.centre import PhotoRow
from ui.common.dialogs import open_files, run_modal
from ui.common.table_model import Column, Index, RowsTableModel

RED = "#b00020"
AMBER = "#9a6700"
GREEN = "#1b7a3a"
GREY = "#666666"


def to_qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def from_qdate(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())


def error_label() -> QLabel:
    """The red line under a dialog's form where a refusal is explained."""
    label = QLabel()
    label.setObjectName("error")
    label.setStyleSheet(f"color: {RED};")
    label.setWordWrap(True)
    return label


def pick_photos(parent: QWidget, title: str) -> list[Path]:
    """Ask for photo files (JPG or PNG); an empty list when cancelled."""
    return open_files(
        parent, title, str(Path.home()), parent.tr("照片 (*.jpg *.jpeg *.png *.JPG *.JPEG *.PNG)")
    )


class ColouredRowsModel(RowsTableModel):
    """RowsTableModel whose text colour comes from the row (e.g. red for overdue)."""

    def __init__(
        self, columns: Sequence[Column], colour: Callable[[Any], str | None], parent=None
    ) -> None:
        super().__init__(columns, parent=parent)
        self._colour = colour

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if index.isValid() and role == Qt.ItemDataRole.ForegroundRole:
            colour = self._colour(self.rows[index.row()])
            return QColor(colour) if colour else None
        return super().data(index, role)


class PendingPhotos(QWidget):
    """A list of photo files chosen in a dialog but not yet saved, with add and remove."""

    changed = Signal()

    def __init__(self, title: str, parent=None) -> None:
        super().__init__(parent)
        self.title = title
        self.paths: list[Path] = []
        self.list = QListWidget()
        self.list.setObjectName("pending_photos")
        self.list.setMaximumHeight(72)
        self.add_button = QPushButton(self.tr("添加照片(&A)…"))
        self.add_button.setObjectName("add_photo")
        self.add_button.clicked.connect(self.add)
        remove = QPushButton(self.tr("移除"))
        remove.clicked.connect(self.remove_selected)
        buttons = QVBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(remove)
        buttons.addStretch()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)

    def add(self) -> None:
        for path in pick_photos(self, self.title):
            if path not in self.paths:
                self.paths.append(path)
                self.list.addItem(path.name)
        self.changed.emit()

    def remove_selected(self) -> None:
        row = self.list.currentRow()
        if row >= 0:
            self.list.takeItem(row)
            del self.paths[row]
            self.changed.emit()


class PhotoViewer(QDialog):
    """A photo at a readable size; with *remover*, a button that takes it off the record."""

    def __init__(
        self,
        photo: PhotoRow,
        title: str,
        parent=None,
        remover: Callable[[PhotoRow], bool] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        label = QLabel()
        pixmap = QPixmap(str(photo.file))
        if pixmap.isNull():
            label.setText(self.tr("照片文件缺失：%1").replace("%1", str(photo.file)))
        else:
            label.setPixmap(
                pixmap.scaled(
                    900,
                    650,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
        caption = QLabel(photo.caption or photo.purpose_name)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        if remover is not None:
            remove = buttons.addButton(
                self.tr("移除此照片…"), QDialogButtonBox.ButtonRole.DestructiveRole
            )

            def remove_and_close() -> None:
                if remover(photo):
                    self.accept()

            remove.clicked.connect(remove_and_close)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(caption)
        layout.addWidget(buttons)


class _Thumb(QLabel):
    clicked = Signal()

    def mousePressEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        self.clicked.emit()
        super().mousePressEvent(event)


class PhotoStrip(QScrollArea):
    """Thumbnails in a row; a click opens the photo larger."""

    def __init__(self, height: int = 96, parent=None) -> None:
        super().__init__(parent)
        self.thumb_height = height
        self.setWidgetResizable(True)
        self.setFixedHeight(height + 24)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.inner = QWidget()
        self.row = QHBoxLayout(self.inner)
        self.row.setContentsMargins(0, 0, 0, 0)
        self.setWidget(self.inner)
        self.photos: list[PhotoRow] = []
        # Set by the owner: asks, removes a photo and says whether it did.
        self.remover: Callable[[PhotoRow], bool] | None = None

    def set_photos(self, photos: list[PhotoRow]) -> None:
        while self.row.count():
            item = self.row.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget:
                widget.hide()  # at once: deleteLater waits for the event loop
                widget.deleteLater()
        self.photos = list(photos)
        if not photos:
            empty = QLabel(self.tr("（没有照片）"))
            empty.setStyleSheet(f"color: {GREY};")
            self.row.addWidget(empty)
        for photo in photos:
            thumb = _Thumb()
            pixmap = QPixmap(str(photo.file))
            if pixmap.isNull():
                thumb.setText(self.tr("文件缺失"))
            else:
                thumb.setPixmap(
                    pixmap.scaledToHeight(
                        self.thumb_height, Qt.TransformationMode.SmoothTransformation
                    )
                )
            thumb.setToolTip(photo.caption or photo.purpose_name)
            thumb.setCursor(Qt.CursorShape.PointingHandCursor)
            thumb.clicked.connect(lambda p=photo: self.open(p))
            self.row.addWidget(thumb)
        self.row.addStretch()

    def open(self, photo: PhotoRow) -> None:
        run_modal(PhotoViewer(photo, photo.caption or photo.purpose_name, self, self.remover))


class _Card(QFrame):
    def __init__(self, title: str, parent=None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("_Card { background: #fafafa; }")
        self.title = QLabel(title)
        self.title.setStyleSheet(f"color: {GREY};")
        self.value = QLabel()
        self.value.setStyleSheet("font-size: 16pt; font-weight: bold;")
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addWidget(self.value)
        layout.addWidget(self.detail)
        layout.addStretch()

    def show_value(self, value: str, detail: str, colour: str) -> None:
        self.value.setText(value)
        self.value.setStyleSheet(f"font-size: 16pt; font-weight: bold; color: {colour};")
        self.detail.setText(detail)


class SummaryPanel(QWidget):
    """Compliance at a glance: items, floor area, residents' share, equipment, hazards."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.items = _Card(self.tr("达标项目"))
        self.area = _Card(self.tr("服务用房面积（m²）"))
        self.share = _Card(self.tr("居民活动用房占比"))
        self.equipment = _Card(self.tr("缺少的必备设备"))
        self.hazards = _Card(self.tr("未整改安全隐患"))
        self.standard = QLabel()
        self.standard.setStyleSheet(f"color: {GREY};")
        self.standard.setWordWrap(True)
        cards = QHBoxLayout()
        for card in (self.items, self.area, self.share, self.equipment, self.hazards):
            card.setObjectName("summary_card")
            cards.addWidget(card, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(cards)
        layout.addWidget(self.standard)

    def show_result(self, r: Compliance) -> None:
        missing = [a.item.name for a in r.missing_items]
        self.items.show_value(
            f"{r.items_meeting} / {r.items_total}",
            self.tr("缺失：%1").replace("%1", "、".join(missing))
            if missing
            else self.tr("没有缺失的项目"),
            GREEN if r.items_meeting == r.items_total else (RED if missing else AMBER),
        )
        a = r.area
        self.area.show_value(
            f"{format_area(a.actual)} / {format_area(a.required)}",
            self.tr("缺口 %1 m²（%2 户）")
            .replace("%1", format_area(a.gap))
            .replace("%2", f"{a.households:,}")
            if a.gap > 0
            else self.tr("达到要求（%1 户）").replace("%1", f"{a.households:,}"),
            RED if a.gap > 0 else GREEN,
        )
        self.share.show_value(
            f"{a.resident_share * 100:.0f}%",
            self.tr("要求不低于 %1%").replace("%1", f"{a.resident_share_required * 100:.0f}"),
            GREEN if a.resident_share >= a.resident_share_required else RED,
        )
        self.equipment.show_value(
            self.tr("%1 项").replace("%1", str(r.missing_equipment_count)),
            self.tr("按标准的设备清单核对（含缺失用房）"),
            GREEN if r.missing_equipment_count == 0 else AMBER,
        )
        self.hazards.show_value(
            self.tr("%1 处").replace("%1", str(r.open_hazards)),
            self.tr("其中逾期 %1 处").replace("%1", str(r.overdue_hazards))
            if r.overdue_hazards
            else self.tr("没有逾期的隐患"),
            RED if r.overdue_hazards else (AMBER if r.open_hazards else GREEN),
        )
        self.standard.setText(self.tr("对照标准：%1").replace("%1", r.standard.name))

    def show_empty(self, message: str) -> None:
        for card in (self.items, self.area, self.share, self.equipment, self.hazards):
            card.show_value("—", "", GREY)
        self.standard.setText(message)
