"""One way to handle a new PDF, for every printout the program saves.

1. ask_path(): the save dialog starts in the folder this kind of printout was last saved to on
   this PC (kept in the local config file, not the shared database: another PC has other
   folders), with a default name made of the kind and its month or day.
2. show_saved(): a small window says "已保存到 <path>" with 打开 / 打开文件夹 / 关闭 (and 预览 when
   Qt's PDF module is installed). It is shown, not exec()'d: the clerk can go on working and a
   test is never blocked by it.
3. open_file(): when no program will show the PDF (openUrl refuses, or on Linux no application
   claims application/pdf), the caller says so in its window with the path, never silently.

The save dialog, the viewer and the note live in ui.common.pdf_files, which the preview
(ui.common.pdf_preview) uses too; this module adds the note's 预览, which opens the preview.
Neither imports the other back.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtGui import QDesktopServices  # noqa: F401 - tests patch openUrl through it
from PySide6.QtWidgets import QWidget

from ui.common.dialogs import run_modal
from ui.common.pdf_files import (  # noqa: F401 - the program's windows use them from here
    PDF_MIME,
    SavedDialog,
    ask_path,
    default_folder,
    linux_has_pdf_handler,
    no_viewer_text,
    open_file,
    open_folder,
    remember,
    show_note,
    start_folder,
)


# -- under which name -------------------------------------------------------------------------
def safe_name(text: str, fallback: str = "打印") -> str:
    """*text* without the characters Windows refuses in a file name, at most 40 characters."""
    return "".join(c for c in text if c not in '\\/:*?"<>|“”\n\r\t').strip()[:40] or fallback


def file_name(
    label: str, day: dt.date | None = None, *, month: bool = False, extra: str = ""
) -> str:
    """'计生待办清单-2026年11月27日.pdf', '发放名单-2026年11月.pdf': the kind, then when."""
    parts = [safe_name(label)]
    if extra:
        parts.append(safe_name(extra))
    if day is not None:
        parts.append(
            f"{day.year}年{day.month}月" if month else f"{day.year}年{day.month}月{day.day}日"
        )
    return "-".join(parts) + ".pdf"


# -- the "已保存到" window --------------------------------------------------------------------
def show_saved(
    parent: QWidget, kind: str, path: Path, title: str = "", preview: bool = True
) -> SavedDialog:
    """Remember the folder for *kind*, then show the 已保存到 window (replacing an earlier one
    of the same window, so that saved notes do not pile up); with 预览 where Qt's PDF module
    is installed, unless *preview* is False."""
    from ui.common.pdf_preview import HAS_QTPDF  # the preview's Qt modules load when needed

    return show_note(parent, kind, path, title, _preview if preview and HAS_QTPDF else None)


def _preview(note: SavedDialog) -> None:
    from ui.common.pdf_preview import PdfPreviewDialog

    run_modal(
        PdfPreviewDialog(
            note.path, note.title or note.path.name, note, note.path.name, kind=note.kind
        )
    )
