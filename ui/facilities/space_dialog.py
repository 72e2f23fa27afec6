"""Dialogs for the centre itself and for one of its spaces (rooms, stations, the square)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QDoubleValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
)

from models.core.entities import User
from models.facilities.centre import (
    CentreRow,
    SpaceRow,
    add_photos,
    create_centre,
    save_space,
    update_centre,
)
from models.facilities.entities import STATUS_NAMES
from models.facilities.standard import Standard
from models.registry import compounds
from ui.common.discard_guard import DiscardGuard
from ui.common.form_dialog import FormDialog, Invalid
from ui.facilities.widgets import PendingPhotos


class CentreDialog(DiscardGuard, FormDialog):
    """Name, address and the compounds a centre serves (none ticked: all of them)."""

    def __init__(self, user: User, centre: CentreRow | None = None, parent=None) -> None:
        super().__init__(parent)
        self.user = user
        self.centre = centre
        self.saved: CentreRow | None = None
        self.setWindowTitle(self.tr("服务中心信息") if centre else self.tr("登记服务中心"))
        self.resize(480, 520)
        self.name = QLineEdit(centre.name if centre else "")
        self.name.setObjectName("centre_name")
        self.name.setPlaceholderText(self.tr("例如：南关社区综合服务中心"))
        self.address = QLineEdit(centre.address if centre else "")
        self.compounds = QListWidget()
        self.compounds.setObjectName("centre_compounds")
        chosen = set(centre.compound_ids) if centre else set()
        for c in compounds.list_compounds():
            item = QListWidgetItem(c.name)
            item.setData(Qt.ItemDataRole.UserRole, c.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if c.id in chosen else Qt.CheckState.Unchecked)
            self.compounds.addItem(item)
        self.notes = QPlainTextEdit(centre.notes if centre else "")
        self.notes.setMaximumHeight(80)
        form = self.form
        form.addRow(self.tr("名称："), self.name)
        form.addRow(self.tr("地址："), self.address)
        form.addRow(self.tr("服务的小区："), self.compounds)
        form.addRow(
            "", QLabel(self.tr("（都不勾选表示服务全部小区；面积要求按这些小区的户数计算）"))
        )
        form.addRow(self.tr("备注："), self.notes)

    def chosen_compounds(self) -> list[int]:
        return [
            self.compounds.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.compounds.count())
            if self.compounds.item(i).checkState() == Qt.CheckState.Checked
        ]

    def save(self) -> None:
        args = (
            self.name.text(),
            self.address.text(),
            self.chosen_compounds(),
            self.notes.toPlainText(),
        )
        if self.centre is None:
            self.saved = create_centre(self.user, *args)
        else:
            self.saved = update_centre(self.user, self.centre.id, *args)


class SpaceDialog(DiscardGuard, FormDialog):
    """Record a space of the centre or change one; photos are stored when it is saved."""

    NOT_IN_STANDARD = ""

    def __init__(
        self,
        user: User,
        centre_id: int,
        standard: Standard,
        space: SpaceRow | None = None,
        item_code: str | None = None,
        parent=None,
    ) -> None:
        super().__init__(parent)
        self.user = user
        self.centre_id = centre_id
        self.standard = standard
        self.space = space
        self.saved: SpaceRow | None = None
        self.setWindowTitle(self.tr("修改用房") if space else self.tr("登记用房"))
        self.resize(520, 560)

        self.item = QComboBox()
        self.item.setObjectName("space_item")
        for it in standard.items:
            self.item.addItem(f"{it.name}（{it.kind_name}）", it.code)
        self.item.addItem(self.tr("（标准以外的用房）"), self.NOT_IN_STANDARD)
        self.name = QLineEdit()
        self.name.setObjectName("space_name")
        self.status = QComboBox()
        self.status.setObjectName("space_status")
        for code, label in STATUS_NAMES.items():
            self.status.addItem(self.tr(label), code)
        self.area = QLineEdit()
        self.area.setObjectName("space_area")
        self.area.setValidator(QDoubleValidator(0.0, 100000.0, 1, self.area))
        self.area.setPlaceholderText(self.tr("平方米；未测量可不填"))
        self.location = QLineEdit()
        self.location.setPlaceholderText(self.tr("例如：服务中心二楼东侧"))
        self.shared_with = QLineEdit()
        self.shared_with.setObjectName("space_shared_with")
        self.shared_with.setPlaceholderText(self.tr("共用时填写，例如：会议室"))
        self.resident_use = QCheckBox(self.tr("居民活动用房（计入60%的居民活动面积）"))
        self.outdoor = QCheckBox(self.tr("室外场地（不计入服务用房面积）"))
        self.notes = QPlainTextEdit()
        self.notes.setMaximumHeight(70)
        self.photos = PendingPhotos(self.tr("选择现状照片"))

        form = self.form
        form.addRow(self.tr("对应标准项目(&I)："), self.item)
        form.addRow(self.tr("用房名称(&N)："), self.name)
        form.addRow(self.tr("状况(&S)："), self.status)
        form.addRow(self.tr("面积(&M)："), self.area)
        form.addRow(self.tr("位置(&L)："), self.location)
        form.addRow(self.tr("与何种用途共用："), self.shared_with)
        form.addRow("", self.resident_use)
        form.addRow("", self.outdoor)
        form.addRow(self.tr("备注："), self.notes)
        form.addRow(self.tr("新增照片："), self.photos)

        self.item.currentIndexChanged.connect(self._item_changed)
        self.status.currentIndexChanged.connect(self._status_changed)
        if space is not None:
            self._select(self.item, space.item_code)
            self.name.setText(space.name)
            self._select(self.status, space.status)
            self.area.setText("" if space.area is None else f"{space.area:g}")
            self.location.setText(space.location)
            self.shared_with.setText(space.shared_with)
            self.resident_use.setChecked(space.resident_use)
            self.outdoor.setChecked(space.outdoor)
            self.notes.setPlainText(space.notes)
        else:
            self._select(
                self.item,
                item_code
                if item_code is not None
                else (standard.items[0].code if standard.items else ""),
            )
            self._item_changed()
        self._status_changed()

    @staticmethod
    def _select(combo: QComboBox, data: str) -> None:
        index = combo.findData(data)
        combo.setCurrentIndex(max(index, 0))

    def _item_changed(self) -> None:
        """A new space takes the item's name and uses as its defaults."""
        if self.space is not None:
            return
        item = self.standard.item(self.item.currentData())
        if item is None:
            return
        names = {i.name for i in self.standard.items}
        if not self.name.text() or self.name.text() in names:
            self.name.setText(item.name)
        self.resident_use.setChecked(item.resident_use)
        self.outdoor.setChecked(item.kind == "square")

    def _status_changed(self) -> None:
        self.shared_with.setEnabled(self.status.currentData() == "shared")

    def save(self) -> None:
        text = self.area.text().strip().replace("，", ".")
        try:
            area = float(text) if text else None
        except ValueError:
            raise Invalid(self.tr("面积须为数字（平方米）。"), self.area) from None
        self.saved = save_space(
            self.user,
            self.centre_id,
            self.space.id if self.space else None,
            name=self.name.text(),
            item_code=self.item.currentData(),
            status=self.status.currentData(),
            area=area,
            location=self.location.text(),
            shared_with=self.shared_with.text() if self.shared_with.isEnabled() else "",
            resident_use=self.resident_use.isChecked(),
            outdoor=self.outdoor.isChecked(),
            notes=self.notes.toPlainText(),
        )
        self.space = self.saved  # a failed photo below must not make a second space
        if self.photos.paths:
            add_photos(
                self.user, self.photos.paths, space_id=self.saved.id, caption=self.saved.name
            )
