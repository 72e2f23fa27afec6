"""Pick a resident from the register by typing (name, pinyin initials, ID digits, phone…).
The dialog is ui.common.picker's."""

from __future__ import annotations

from models.core import codes
from models.registry import search
from models.registry.search import ResidentFilter, ResidentRow
from ui.common.picker import SearchPicker
from ui.common.table_model import Column


class ResidentPicker(SearchPicker):
    """Returns the chosen ResidentRow in .chosen (or several in .chosen_rows if multi)."""

    LIMIT = 100  # as the status line says

    chosen: ResidentRow | None
    chosen_rows: list[ResidentRow]

    def __init__(
        self,
        parent=None,
        title: str = "",
        flt: ResidentFilter | None = None,
        multi: bool = False,
        user=None,
    ) -> None:
        super().__init__(parent, title, multi)
        self.user = user  # None: rows without full IDs (the picker shows masked ones only)
        self.flt = flt or ResidentFilter()

    def default_title(self) -> str:
        return self.tr("选择居民")

    def placeholder(self) -> str:
        return self.tr("输入姓名、拼音首字母、身份证号后几位、电话或户号")

    def columns(self) -> list[Column]:
        return [
            Column(self.tr("姓名"), lambda r: r.name),
            Column(self.tr("性别"), lambda r: codes.name("sex", r.sex)),
            Column(self.tr("出生日期"), lambda r: r.birth_date or ""),
            Column(self.tr("身份证号"), lambda r: r.masked_id),
            Column(self.tr("户号"), lambda r: r.household_no),
            Column(self.tr("住址"), lambda r: r.address),
        ]

    def search_rows(self, text: str) -> list[ResidentRow]:
        if not text:
            return []
        return search.search(text, self.flt, limit=self.LIMIT, actor=self.user)

    def status_text(self, text: str, rows: list[ResidentRow]) -> str:
        if not text:
            return ""
        return self.tr("找到 %1 人（最多显示100人）").replace("%1", str(len(rows)))
