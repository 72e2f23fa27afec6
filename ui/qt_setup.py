"""Application-wide Qt set-up: Chinese translations for Qt's own dialogs, a CJK font."""

from __future__ import annotations

import logging

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from reports.fonts import FontNotFound, find_cjk_font

log = logging.getLogger(__name__)

# Faces preferred for the window, in order; the first one installed wins.
UI_FAMILIES = ["Microsoft YaHei", "微软雅黑", "WenQuanYi Micro Hei", "Noto Sans CJK SC",
               "PingFang SC", "SimSun", "宋体", "AR PL UMing CN"]


def install_translations(app: QApplication) -> list[QTranslator]:
    """Load qtbase_zh_CN so that Qt's buttons and dialogs speak Chinese."""
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    path = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    loaded = []
    for name in ("qtbase_zh_CN", "qt_zh_CN"):
        translator = QTranslator(app)
        if translator.load(name, path):
            app.installTranslator(translator)
            loaded.append(translator)
            break
    if not loaded:
        log.warning("Qt's Chinese translation (qtbase_zh_CN) not found in %s", path)
    return loaded


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
