"""Pick a household by its number, address or a member's name (the registry's dialogs, the
life-event dialogs and the merge all use it). The dialog is ui.common.picker's."""

from __future__ import annotations

from models.registry import households
from models.registry.households import HouseholdRow
from ui.common.picker import SearchPicker
from ui.common.table_model import Column


class HouseholdPicker(SearchPicker):
    """Find a household by number, address or a member's name; .chosen is a HouseholdRow."""

    LIMIT = 50
    QUERY_NAME = "household_query"
    TABLE_NAME = "household_table"
    SIZE = (720, 420)
    ENTER_TAKES_ONLY_A_SINGLE_MATCH = True

    chosen: HouseholdRow | None

    def __init__(self, parent=None, exclude_id: int | None = None, title: str = "") -> None:
        super().__init__(parent, title)
        self.exclude_id = exclude_id

    def default_title(self) -> str:
        return self.tr("选择户")

    def placeholder(self) -> str:
        return self.tr("输入户号、地址或户内人员姓名/拼音首字母")

    def columns(self) -> list[Column]:
        closed = self.tr("（已注销）")
        return [
            Column(self.tr("户号"), lambda h: h.household_no + (closed if h.archived else "")),
            Column(self.tr("户主"), lambda h: h.head_name or "—"),
            Column(self.tr("人数"), lambda h: h.members),
            Column(self.tr("住址"), lambda h: h.address),
        ]

    def search_rows(self, text: str) -> list[HouseholdRow]:
        return households.find_households(text, limit=self.LIMIT, exclude_id=self.exclude_id)

    def status_text(self, text: str, rows: list[HouseholdRow]) -> str:
        if not text:
            return ""
        if rows:
            return (
                self.tr("找到 %1 户（最多显示%2户）")
                .replace("%1", str(len(rows)))
                .replace("%2", str(self.LIMIT))
            )
        return self.tr("没有找到。已注销的户请输入完整户号。")
