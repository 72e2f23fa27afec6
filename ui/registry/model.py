"""The results table of the registry tab: pages of search results fetched as the view scrolls,
sorted by the database (a header click asks search() for another order), counted off the
GUI thread."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRunnable,
    Qt,
    QThreadPool,
    Signal,
)

from models.core import clock, codes
from models.core.db import close_thread_connection
from models.registry import search
from models.registry.residents import STATUS_NAMES, age_on
from models.registry.search import ResidentFilter, ResidentRow

Index = QModelIndex | QPersistentModelIndex
PAGE = 200
ROW_ROLE = Qt.ItemDataRole.UserRole + 2


@dataclass(frozen=True)
class _Col:
    header: str
    value: Callable[[ResidentRow], Any]
    sort: str | None  # search.SORTS key; None: not sortable
    right: bool = False


def _age(row: ResidentRow) -> str:
    age = age_on(row.birth_date, clock.today())
    return "" if age is None else str(age)


class ResidentPageModel(QAbstractTableModel):
    def __init__(self, parent=None, user=None) -> None:
        super().__init__(parent)
        self.user = (
            user  # the signed-in user: search() gives full IDs only to those who may see them
        )
        self.columns = [
            _Col(self.tr("姓名"), lambda r: r.name, "name"),
            _Col(self.tr("性别"), lambda r: codes.name("sex", r.sex), "sex"),
            _Col(self.tr("年龄"), _age, "birth_date", right=True),
            _Col(self.tr("身份证号"), lambda r: r.masked_id, "id_number"),
            _Col(self.tr("与户主关系"), lambda r: codes.name("relation", r.relation), "relation"),
            _Col(self.tr("户号"), lambda r: r.household_no, "household"),
            _Col(self.tr("住址"), lambda r: r.address, "address"),
            _Col(self.tr("人员类别"), lambda r: codes.name("category", r.category), "category"),
            _Col(self.tr("联系电话"), lambda r: r.phone, "phone"),
            _Col(self.tr("状态"), lambda r: STATUS_NAMES.get(r.status, r.status), "status"),
        ]
        self.rows: list[ResidentRow] = []
        self.text = ""
        self.flt = ResidentFilter()
        self.sort_key = search.DEFAULT_SORT
        self.descending = False
        self._more = False

    # -- querying ---------------------------------------------------------------------
    def set_query(self, text: str, flt: ResidentFilter) -> None:
        self.text, self.flt = text, flt
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self.rows = search.search(
            self.text,
            self.flt,
            limit=PAGE,
            sort=self.sort_key,
            descending=self.descending,
            actor=self.user,
        )
        self._more = len(self.rows) == PAGE
        self.endResetModel()

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._more

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or not self._more:
            return
        page = search.search(
            self.text,
            self.flt,
            limit=PAGE,
            offset=len(self.rows),
            sort=self.sort_key,
            descending=self.descending,
            actor=self.user,
        )
        self._more = len(page) == PAGE
        if page:
            self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(page) - 1)
            self.rows.extend(page)
            self.endInsertRows()

    def complete(self) -> bool:
        """True when every matching row is loaded (the count is then len(rows))."""
        return not self._more

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = self.columns[column].sort
        if key is None:
            return
        self.sort_key = key
        self.descending = order == Qt.SortOrder.DescendingOrder
        if key == "birth_date":  # the column shows age: oldest first means earliest birth
            self.descending = not self.descending
        self.reload()

    def sort_column(self) -> int:
        return next((i for i, c in enumerate(self.columns) if c.sort == self.sort_key), 0)

    # -- the model interface ----------------------------------------------------------
    def row_at(self, row: int) -> ResidentRow:
        return self.rows[row]

    def row_of(self, resident_id: int) -> int:
        return next((i for i, r in enumerate(self.rows) if r.id == resident_id), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return str(column.value(row) or "")
        if role == Qt.ItemDataRole.TextAlignmentRole and column.right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and row.status != "current":
            from PySide6.QtGui import QColor

            return QColor("#888888")
        if role == ROW_ROLE:
            return row
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.columns[section].header
        return None


class _CountSignals(QObject):
    counted = Signal(int, int)  # (generation, count)


class CountJob(QRunnable):
    """search.count() on a pool thread (its own SQLite connection, closed afterwards).

    Python keeps the job (autoDelete off, as in ui.common.worker) so that Qt never frees an object
    Python still refers to; a job whose query is no longer the latest does nothing.
    """

    def __init__(
        self, generation: int, latest: list[int], text: str, flt: ResidentFilter, user=None
    ) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.generation, self.latest, self.text, self.flt = generation, latest, text, flt
        self.user = user
        self.signals = _CountSignals()
        self.done = threading.Event()

    def run(self) -> None:
        total = -1
        try:
            if self.latest[0] == self.generation:
                total = search.count(self.text, self.flt, actor=self.user)
        except Exception:  # the database went away (closed, switched): no count, no harm
            total = -1
        finally:
            close_thread_connection()
            if total >= 0:
                self.signals.counted.emit(self.generation, total)
            self.done.set()


class Counter(QObject):
    """Counts the matches of the latest query; older answers are dropped."""

    counted = Signal(int)

    def __init__(self, parent=None, user=None) -> None:
        super().__init__(parent)
        self.user = user
        self.latest = [0]  # a plain list: read by the pool thread, never a Qt object
        self.jobs: list[CountJob] = []
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)

    @property
    def generation(self) -> int:
        return self.latest[0]

    def start(self, text: str, flt: ResidentFilter) -> None:
        self.latest[0] += 1
        self.jobs = [j for j in self.jobs if not j.done.is_set()]
        job = CountJob(self.latest[0], self.latest, text, flt, self.user)
        job.signals.counted.connect(self._counted)
        self.jobs.append(job)
        self.pool.start(job)

    def cancel(self) -> None:
        self.latest[0] += 1

    def _counted(self, generation: int, total: int) -> None:
        if generation == self.latest[0]:
            self.counted.emit(total)

    def wait(self) -> None:
        self.pool.waitForDone()
