"""Application-wide Qt set-up: Chinese translations for Qt's own dialogs, a CJK font."""

from __future__ import annotations

import logging
import re
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from reports.layout.fonts import FontNotFound, find_cjk_font

log = logging.getLogger(__name__)

# Faces preferred for the window, in order; the first one installed wins.
UI_FAMILIES = [
    "Microsoft YaHei",
    "微软雅黑",
    "WenQuanYi Micro Hei",
    "Noto Sans CJK SC",
    "PingFang SC",
    "SimSun",
    "宋体",
    "AR PL UMing CN",
]

CHINA = QLocale(QLocale.Language.Chinese, QLocale.Country.China)

# Qt strings that qtbase_zh_CN does not translate at all (new in Qt 6), keyed by (context, source).
_EXTRA = {
    ("QAbstractFileIconProvider", "Drive"): "驱动器",
    ("QAbstractFileIconProvider", "Folder"): "文件夹",
    ("QAbstractFileIconProvider", "File Folder"): "文件夹",
}
_TAIL = re.compile(r"(\s*(?:[:：]|\.\.\.|…))$")
_installed: list[QTranslator] = []


class _StaleQtStrings(QTranslator):
    """Consulted only when qtbase_zh_CN has no entry. Qt 6 gave some labels a mnemonic
    ("&Look in:", "Files of &type:") that the shipped Chinese catalogue still lists without
    one, so the file dialog came up half in English. Look the label up without the "&" and
    put the mnemonic back the way the catalogue writes it: 查找范围(&L)：."""

    def __init__(self, base: QTranslator, parent=None) -> None:
        super().__init__(parent)
        self._base = base

    def isEmpty(self) -> bool:  # Qt's name; a translator with no file would be skipped
        return False

    def translate(self, context, source_text, disambiguation=None, n=-1):
        if not context or not source_text or context[0] != "Q":
            return None  # the program's own strings (written in Chinese) never need this
        extra = _EXTRA.get((context, source_text))
        if extra is not None:
            return extra
        at = source_text.find("&")
        if at < 0 or at + 1 >= len(source_text) or source_text[at + 1] in "& ":
            return None
        plain = source_text[:at] + source_text[at + 1 :]
        text = self._base.translate(context, plain, disambiguation, n)
        if not text and disambiguation:
            text = self._base.translate(context, plain, None, n)
        if not text:
            return None
        if "&" in text:
            return text
        match = _TAIL.search(text)
        cut = match.start() if match else len(text)
        return f"{text[:cut]}(&{source_text[at + 1].upper()}){text[cut:]}"


def _translation_dirs() -> list[str]:
    import PySide6

    package = Path(PySide6.__file__).resolve().parent
    dirs = [
        QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath),
        str(package / "Qt" / "translations"),
        str(package / "translations"),
    ]
    return list(dict.fromkeys(d for d in dirs if d))


def install_translations(app: QApplication) -> list[QTranslator]:
    """Chinese everywhere Qt speaks for itself: qtbase_zh_CN for the standard buttons
    (确定/取消/是/否), the non-native file dialog, the print and colour dialogs and the
    context menus; the zh_CN locale for dates (QDateEdit, QCalendarWidget: 2026/12/2, 十二月),
    weekday names and the first day of the week. Calling it again replaces what it installed.
    Returns the translators installed (empty if Qt's catalogue is missing)."""
    QLocale.setDefault(CHINA)
    for old in _installed:
        app.removeTranslator(old)
        old.setParent(None)
    _installed.clear()
    for folder in _translation_dirs():
        base = QTranslator(app)
        if base.load("qtbase_zh_CN", folder) or base.load("qt_zh_CN", folder):
            break
        base.setParent(None)
    else:
        log.warning("Qt's Chinese translation (qtbase_zh_CN) not found in %s", _translation_dirs())
        return []
    # Translators are searched newest first: qtbase answers, the stand-in fills its gaps.
    stale = _StaleQtStrings(base, app)
    for translator in (stale, base):
        app.installTranslator(translator)
        _installed.append(translator)
    log.info("Qt translation loaded: %s", base.filePath())
    return [base, stale]


def chinese_families() -> list[str]:
    return QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)


def install_cjk_font(app: QApplication) -> str | None:
    """Make sure Chinese renders; returns a warning for the user when it cannot."""
    families = chinese_families()
    if not families:
        try:
            font_file = find_cjk_font()
        except FontNotFound as exc:
            return str(exc)
        font_id = QFontDatabase.addApplicationFont(str(font_file.path))
        families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
        if not families:
            return f"无法加载中文字体“{font_file.path}”，界面文字可能显示为方框。"
    chosen = next((f for f in UI_FAMILIES if f in families), families[0])
    font = QFont(chosen)
    font.setPointSizeF(max(app.font().pointSizeF(), 10.0))
    app.setFont(font)
    return None
