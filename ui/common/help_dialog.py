"""帮助 → 使用说明 (F1): the ten everyday tasks, step by step, and every keyboard shortcut.

The menu shortcuts are read from the window's own actions, so the list cannot drift from
what the keys do; the keys that belong to one tab are listed beside them.
"""

from __future__ import annotations

import html

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QMenu,
    QMenuBar,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)


def _tasks(w: QWidget) -> list[tuple[str, list[str]]]:
    tr = w.tr
    return [
        (
            tr("找到一位居民"),
            [
                tr(
                    "在“户籍人口”标签页的搜索框输入姓名、拼音首字母（王建国 → wjg）、"
                    "身份证号或电话的任意几位、户号或地址（3号楼2单元）。"
                ),
                tr("空格分开的几段须同时符合（南关 302）；按 ↓ 进入列表，Enter 打开居民信息表。"),
            ],
        ),
        (
            tr("登记一位新居民"),
            [
                tr("选中他要加入的户，按 Ctrl+N；新的一户先按 Ctrl+Shift+N 建户。"),
                tr("输入身份证号后出生日期和性别自动填好；Ctrl+S 或“保存”。"),
            ],
        ),
        (
            tr("登记出生、死亡、迁出、迁回"),
            [
                tr(
                    "选中居民后按 Alt+S（出生）、Alt+D（死亡）、Alt+O（迁出）、Alt+I（迁回），"
                    "填写日期和原因。"
                ),
                tr(
                    "这些都是带日期的变动记录，月报据此统计；录错了在“个人变动记录”中右键“更正”或“撤销”，原记录保留。"
                ),
            ],
        ),
        (
            tr("户的变更：换户主、分户、并户、迁往他户"),
            [tr("Ctrl+H 打开户信息，在窗口下方选择要做的变更；每一步都会先说明结果再确认。")],
        ),
        (
            tr("导入现有的花名册工作簿"),
            [
                tr(
                    "文件 → 导入花名册…，选择 .xlsx / .xls / .csv。程序逐行检查，"
                    "红色是不能导入的行（写明原因），黄色是提醒。"
                ),
                tr(
                    "确认后导入有效的行，可随时取消（取消则一行也不写入）；退回的行可另存为工作簿，改好后再导入。"
                ),
            ],
        ),
        (
            tr("打印月度报表"),
            [
                tr("报表 → 月度报表（Ctrl+P），选月份和范围，“生成”，再打印或另存为 PDF。"),
                tr("报表中人口平衡（期初 + 出生 − 死亡 + 迁入 − 迁出 = 期末）不平时会标明。"),
            ],
        ),
        (
            tr("开具居住证明"),
            [
                tr(
                    "报表 → 开具证明（Ctrl+Shift+C），选择居民、证明种类和用途；"
                    "每份证明有编号并记入开具记录。"
                ),
                tr("民发〔2020〕20号取消的证明（亲属关系、婚姻状况、健在等）不能开具。"),
            ],
        ),
        (
            tr("计生服务的待办"),
            [
                tr(
                    "“计生服务”标签页打开即是待办清单：已逾期、本周到期、30天内到期。双击办理，记录随访。"
                )
            ],
        ),
        (
            tr("组织一次社区活动"),
            [
                tr(
                    "“社区活动”标签页按 Ctrl+N 从模板新建（如露天电影放映），逐项勾选筹备清单，"
                    "活动后登记签到和照片，Ctrl+P 打印简报。"
                )
            ],
        ),
        (
            tr("设施检查和隐患整改"),
            [
                tr(
                    "“设施台账”标签页按 Ctrl+I 登记检查，发现的隐患列在上方，逾期的排在最前；"
                    "整改后 Ctrl+Shift+F 销号，须附整改照片。"
                )
            ],
        ),
        (
            tr("备份与恢复"),
            [
                tr(
                    "程序每天和关闭时自动备份；备份 → 立即备份（Ctrl+Shift+B）或备份到U盘。"
                    "恢复备份由系统管理员在 备份 → 恢复备份 中进行。"
                )
            ],
        ),
    ]


def _tab_keys(w: QWidget) -> list[tuple[str, str, str]]:
    """(where, what, keys) for the keys that belong to one tab or to every form."""
    tr = w.tr
    return [
        (tr("户籍人口"), tr("回到搜索框"), "Ctrl+F"),
        (tr("户籍人口"), tr("新增居民"), "Ctrl+N"),
        (tr("户籍人口"), tr("新建户"), "Ctrl+Shift+N"),
        (tr("户籍人口"), tr("打开居民信息表"), "Enter"),
        (tr("户籍人口"), tr("户信息"), "Ctrl+H"),
        (tr("户籍人口"), tr("出生登记 / 死亡 / 迁出 / 迁回"), "Alt+S / Alt+D / Alt+O / Alt+I"),
        (tr("户籍人口"), tr("类别变更"), "Alt+C"),
        (tr("户籍人口"), tr("查看完整身份证号码（记入操作日志）"), "Alt+R"),
        (tr("户籍人口"), tr("迁出或死亡注销所选居民 / 撤销所选变动记录（不会删除记录）"), "Delete"),
        (tr("户籍人口"), tr("所选居民或变动记录可做的操作（编辑、更正、迁出、撤销…）"), tr("右键")),
        (tr("户籍人口"), tr("清空搜索框"), "Esc"),
        (tr("社区活动"), tr("从模板新建活动"), "Ctrl+N"),
        (tr("社区活动"), tr("打开 / 取消所选活动（可恢复）"), "Enter / Delete"),
        (tr("社区活动"), tr("简报 / 活动方案 PDF"), "Ctrl+P / Ctrl+Shift+P"),
        (tr("设施台账"), tr("登记用房 / 修改"), "Ctrl+N / Ctrl+E"),
        (tr("设施台账"), tr("登记设备 / 登记检查"), "Ctrl+Shift+N / Ctrl+I"),
        (tr("设施台账"), tr("整改销号"), "Ctrl+Shift+F"),
        (tr("设施台账"), tr("打印达标报告"), "Ctrl+P"),
        (tr("各表单"), tr("保存 / 关闭（有未保存内容时先询问）"), "Ctrl+S / Esc"),
    ]


def menu_shortcuts(bar: QMenuBar) -> list[tuple[str, str, str]]:
    """(menu, action, keys) for every menu action that has a shortcut."""
    rows: list[tuple[str, str, str]] = []
    for top in bar.actions():
        menu = top.menu()
        if not isinstance(menu, QMenu):  # typed QObject; a menu-bar entry's menu is a QMenu
            continue
        for action in menu.actions():
            if isinstance(action, QAction) and not action.shortcut().isEmpty():
                keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
                rows.append(
                    (top.text().split("(")[0], action.text().split("(")[0].rstrip("…"), keys)
                )
    return rows


class HelpDialog(QDialog):
    def __init__(
        self, menu_bar: QMenuBar | None = None, parent: QWidget | None = None, page: int = 0
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("使用说明"))
        self.resize(760, 620)
        self.tabs = QTabWidget()
        self.manual = QTextBrowser()
        self.manual.setObjectName("help_manual")
        self.manual.setHtml(self._manual_html())
        self.keys = QTextBrowser()
        self.keys.setObjectName("help_shortcuts")
        self.keys.setHtml(self._keys_html(menu_bar))
        self.tabs.addTab(self.manual, self.tr("常用操作"))
        self.tabs.addTab(self.keys, self.tr("快捷键"))
        self.tabs.setCurrentIndex(page)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(buttons)

    def _manual_html(self) -> str:
        parts = [f"<h2>{html.escape(self.tr('社区工作台常用操作'))}</h2>"]
        for number, (title, steps) in enumerate(_tasks(self), 1):
            parts.append(f"<h3>{number}. {html.escape(title)}</h3><ul>")
            parts.extend(f"<li>{html.escape(step)}</li>" for step in steps)
            parts.append("</ul>")
        return "".join(parts)

    def _keys_html(self, bar: QMenuBar | None) -> str:
        rows = (menu_shortcuts(bar) if bar is not None else []) + _tab_keys(self)
        head = "".join(
            f"<th align='left'>{html.escape(h)}</th>"
            for h in (self.tr("位置"), self.tr("操作"), self.tr("按键"))
        )
        body = "".join(
            f"<tr><td>{html.escape(where)}</td><td>{html.escape(what)}</td>"
            f"<td><b>{html.escape(keys)}</b></td></tr>"
            for where, what, keys in rows
        )
        return (
            f"<h2>{html.escape(self.tr('快捷键'))}</h2>"
            f"<table cellspacing='0' cellpadding='4'><tr>{head}</tr>{body}</table>"
        )
