"""The pieces of saving a PDF that the preview needs too (ui.common.pdf_output is the way
the program's windows use them; ui.common.pdf_preview uses them directly, so that the two do
not import each other: the note's 预览 opens the preview, whose 另存为 shows the note).

- ask_path(): the save dialog, starting in the folder this kind of printout was last saved to.
- open_file() / open_folder(): the system's viewer; False when nothing will show the file.
- SavedDialog / show_note(): the "已保存到 <path>" window, with 预览 only when given a preview.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from models.core import local_config
from ui.common.dialogs import save_file

PDF_MIME = "application/pdf"


# -- where ----------------------------------------------------------------------------------
def default_folder() -> Path:
    """The user's Documents folder (where office PCs keep their files), else home."""
    docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(docs) if docs and Path(docs).is_dir() else Path.home()


def start_folder(kind: str) -> Path:
    """The folder *kind* was last saved to on this PC, if it is still there."""
    remembered = local_config.load().pdf_folders.get(kind)
    if isinstance(remembered, str) and remembered and Path(remembered).is_dir():
        return Path(remembered)
    return default_folder()


def ask_path(parent: QWidget, kind: str, title: str, name: str) -> Path | None:
    """Ask where to save a PDF of *kind*; None when the clerk cancels."""
    start = start_folder(kind) / name
    chosen = save_file(parent, title, str(start), parent.tr("PDF 文件 (*.pdf)"))
    if chosen is None:
        return None
    return chosen if chosen.name.lower().endswith(".pdf") else Path(f"{chosen}.pdf")


def remember(kind: str, path: Path) -> None:
    local_config.remember_pdf_folder(kind, Path(path).resolve().parent)


# -- opening -------------------------------------------------------------------------------
def _linux_dirs(env: str, default: str) -> list[Path]:
    return [Path(p) for p in (os.environ.get(env) or default).split(":") if p]


def linux_has_pdf_handler() -> bool:
    """Whether some application on this Linux PC says it opens PDF files (a .desktop file or a
    mimeapps.list entry); xdg-open without one starts nothing and says nothing."""
    home = Path.home()
    data = [
        Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share"),
        *_linux_dirs("XDG_DATA_DIRS", "/usr/local/share:/usr/share"),
    ]
    config = [
        Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config"),
        *_linux_dirs("XDG_CONFIG_DIRS", "/etc/xdg"),
    ]
    lists = [folder / "mimeapps.list" for folder in config]
    for folder in data:
        apps = folder / "applications"
        lists += [apps / "mimeapps.list", apps / "mimeinfo.cache"]
        try:
            desktop_files = list(apps.rglob("*.desktop")) if apps.is_dir() else []
        except OSError:
            continue
        for desktop in desktop_files:
            try:
                text = desktop.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            if any(line.startswith("MimeType=") and PDF_MIME in line for line in text.splitlines()):
                return True
    for path in lists:
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        for line in text.splitlines():
            key, _, value = line.partition("=")
            if key.strip() == PDF_MIME and value.strip(" ;"):
                return True
    return False


def open_file(path: Path) -> bool:
    """Hand *path* to the system's viewer; False when nothing will show it."""
    if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
        return False
    if sys.platform.startswith("linux") and Path(path).suffix.lower() == ".pdf":
        return linux_has_pdf_handler()
    return True


def open_folder(path: Path) -> bool:
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def no_viewer_text(widget: QWidget, path: Path | None = None) -> str:
    """What to say when nothing opens a PDF; *path* None: the window shows the path already."""
    where = (
        widget.tr("文件已保存在：\n%1\n").replace("%1", str(path))
        if path is not None
        else widget.tr("文件已保存在上面的位置。")
    )
    return (
        widget.tr("这台电脑上没有可以打开 PDF 文件的程序（PDF 阅读器）。")
        + where
        + widget.tr(
            "请安装 PDF 阅读器（如 WPS Office、福昕阅读器）后再打开，"
            "或把文件复制到其他电脑上打开和打印。"
        )
    )


# -- the "已保存到" window --------------------------------------------------------------------
class SavedDialog(QDialog):
    """已保存到 <path>, with 打开 / 打开文件夹 / 关闭, and 预览 when given *preview* (a function
    that opens the program's own preview of the note's file: ui.common.pdf_output gives it
    where Qt's PDF module is installed)."""

    def __init__(
        self,
        path: Path,
        title: str,
        parent: QWidget | None = None,
        kind: str = "",
        preview: Callable[[SavedDialog], object] | None = None,
    ) -> None:
        super().__init__(parent)
        self._preview = preview
        self.path = Path(path)
        self.kind = kind
        self.title = title
        self.setObjectName("pdf_saved")
        self.setWindowTitle(
            self.tr("已保存：%1").replace("%1", title) if title else self.tr("已保存")
        )
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setMinimumWidth(480)
        heading = QLabel(self.tr("已保存到"))
        heading.setStyleSheet("font-weight: bold;")
        # A line edit, not a label: a long path scrolls, and can be selected and copied.
        self.path_text = QLineEdit(str(self.path))
        self.path_text.setObjectName("pdf_saved_path")
        self.path_text.setReadOnly(True)
        self.path_text.setCursorPosition(0)
        self.message = QLabel()
        self.message.setObjectName("pdf_saved_message")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.setStyleSheet("color: #B00020;")
        self.message.hide()
        self.open_button = QPushButton(self.tr("打开(&O)"))
        self.open_button.setObjectName("pdf_saved_open")
        self.folder_button = QPushButton(self.tr("打开文件夹(&F)"))
        self.folder_button.setObjectName("pdf_saved_folder")
        self.preview_button = QPushButton(self.tr("预览(&V)"))
        self.preview_button.setObjectName("pdf_saved_preview")
        self.preview_button.setVisible(preview is not None)
        self.close_button = QPushButton(self.tr("关闭"))
        self.close_button.setObjectName("pdf_saved_close")
        self.open_button.setDefault(True)
        self.open_button.clicked.connect(self.open_pdf)
        self.folder_button.clicked.connect(self.open_containing_folder)
        self.preview_button.clicked.connect(self.show_preview)
        self.close_button.clicked.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.path_text)
        layout.addWidget(self.message)
        row = QHBoxLayout()
        row.addStretch(1)
        for button in (
            self.preview_button,
            self.open_button,
            self.folder_button,
            self.close_button,
        ):
            row.addWidget(button)
        layout.addLayout(row)

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()
        # adjustSize() over-counts a wrapped label; ask the layout for the height at this width.
        layout = self.layout()
        assert layout is not None  # set in __init__
        layout.activate()
        self.resize(
            self.width(),
            max(self.minimumSizeHint().height(), layout.totalHeightForWidth(self.width())),
        )

    def open_pdf(self) -> bool:
        if not self.path.is_file():
            self._say(
                self.tr("文件已不在原处（可能已被移走或删除）：\n%1").replace("%1", str(self.path))
            )
            return False
        if open_file(self.path):
            self.close()
            return True
        self._say(no_viewer_text(self))
        return False

    def open_containing_folder(self) -> bool:
        folder = self.path.parent
        if open_folder(folder):
            self.close()
            return True
        self._say(self.tr("无法打开文件夹，请在文件管理器中找到：\n%1").replace("%1", str(folder)))
        return False

    def show_preview(self) -> None:
        if self._preview is not None:
            self._preview(self)


def show_note(
    parent: QWidget,
    kind: str,
    path: Path,
    title: str = "",
    preview: Callable[[SavedDialog], object] | None = None,
) -> SavedDialog:
    """Remember the folder for *kind*, then show the 已保存到 window (replacing an earlier one
    of the same window, so that saved notes do not pile up)."""
    remember(kind, path)
    for earlier in parent.window().findChildren(SavedDialog):
        earlier.close()
    dialog = SavedDialog(path, title, parent, kind, preview)
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    return dialog
