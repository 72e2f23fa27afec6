"""Preview, print and save a PDF the program made.

Preview and printing use Qt's PDF module when it is installed (PySide6-Addons, or the
PySide6-Pdf wheel of 6.12+): the page is shown in the window and printed through the
ordinary print dialog, at the paper's full size so that the GB/T 9704 margins stay where the
PDF put them. The program does not depend on it (Addons is 175 MB, and PySide6-Pdf needs the
6.12.0 release that pyproject.toml excludes): the system's PDF viewer previews and prints.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import (
    QDesktopServices,  # noqa: F401 - used through pdf_files; tests patch it here
    QKeySequence,
    QPageLayout,
    QPageSize,
    QPainter,
)
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.common import pdf_files
from ui.common.dialogs import run_modal, warn

try:  # QtPdf ships in PySide6-Addons (175 MB): optional; without it the system viewer previews
    from PySide6.QtPdf import QPdfDocument
    from PySide6.QtPdfWidgets import QPdfView

    HAS_QTPDF = True
except ImportError:  # pragma: no cover - depends on the installation
    HAS_QTPDF = False


class PdfPreview(QWidget):
    """A page view with 打印 / 另存为 / 用系统程序打开 under it."""

    def __init__(
        self, parent: QWidget | None = None, suggested_name: str = "报表.pdf", kind: str = "report"
    ) -> None:
        super().__init__(parent)
        self.path: Path | None = None
        self.suggested_name = suggested_name
        self.kind = kind  # which remembered folder 另存为 starts in (ui.common.pdf_files)
        self.document = QPdfDocument(self) if HAS_QTPDF else None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        if HAS_QTPDF:
            self.view: QWidget = QPdfView(self)
            self.view.setObjectName("pdf_view")
            self.view.setPageMode(QPdfView.PageMode.MultiPage)
            self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
            assert self.document is not None  # made above when HAS_QTPDF
            self.view.setDocument(self.document)
        else:
            self.view = QLabel(self.tr("报表生成后，点“用系统程序打开”在 PDF 阅读器中预览和打印。"))
            self.view.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.view, 1)
        buttons = QHBoxLayout()
        self.info = QLabel()
        self.info.setObjectName("pdf_info")
        self.print_button = QPushButton(self.tr("打印(&P)…"))
        self.print_button.setShortcut(QKeySequence.StandardKey.Print)
        self.print_button.setToolTip(self.tr("打印（Ctrl+P）"))
        self.save_button = QPushButton(self.tr("另存为(&S)…"))
        self.save_button.setShortcut(QKeySequence.StandardKey.Save)
        self.save_button.setToolTip(self.tr("另存为（Ctrl+S）"))
        self.open_button = QPushButton(self.tr("用系统程序打开(&O)"))
        self.print_button.clicked.connect(self.print_dialog)
        self.save_button.clicked.connect(self.save_as)
        self.open_button.clicked.connect(self.open_external)
        buttons.addWidget(self.info, 1)
        for button in (self.print_button, self.save_button, self.open_button):
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self._set_enabled(False)

    def _set_enabled(self, on: bool) -> None:
        self.print_button.setEnabled(on)
        self.save_button.setEnabled(on)
        self.open_button.setEnabled(on)

    def clear(self) -> None:
        if self.document is not None:
            self.document.close()
        self.path = None
        self.info.setText("")
        self._set_enabled(False)

    def load(self, path: Path, suggested_name: str | None = None, kind: str | None = None) -> None:
        self.path = Path(path)
        if suggested_name:
            self.suggested_name = suggested_name
        if kind:
            self.kind = kind
        self.info.setStyleSheet("")
        pages = ""
        if self.document is not None:
            self.document.close()
            self.document.load(str(self.path))
            pages = self.tr("，共 %1 页").replace("%1", str(self.document.pageCount()))
        self.info.setText(self.tr("已生成%1。").replace("%1", pages))
        self._set_enabled(True)

    def page_count(self) -> int:
        return self.document.pageCount() if self.document is not None else 0

    # -- actions ----------------------------------------------------------------------
    def print_dialog(self) -> None:
        if self.path is None:
            return
        if self.document is None:
            self.open_external()
            return
        printer = make_printer()
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(self.tr("打印"))
        # Let the clerk print a page range (a single household's form out of thousands).
        dialog.setMinMax(1, max(1, self.page_count()))
        if run_modal(dialog) != QDialog.DialogCode.Accepted:
            return
        try:
            print_document(self.document, printer)
        except RuntimeError as exc:
            warn(self, self.tr("打印"), str(exc))

    def save_as(self) -> Path | None:
        if self.path is None:
            return None
        target = pdf_files.ask_path(self, self.kind, self.tr("另存为"), self.suggested_name)
        if target is None:
            return None
        try:
            shutil.copyfile(self.path, target)
        except OSError as exc:
            warn(
                self,
                self.tr("另存为"),
                self.tr("无法保存到“%1”：%2")
                .replace("%1", str(target))
                .replace("%2", exc.strerror or str(exc)),
            )
            return None
        self.info.setStyleSheet("")
        self.info.setText(self.tr("已保存到 %1").replace("%1", str(target)))
        # The page is on screen already: the note offers 打开 / 打开文件夹, not a second preview.
        pdf_files.show_note(self, self.kind, target, self.suggested_name.removesuffix(".pdf"))
        return target

    def open_external(self) -> bool:
        if self.path is None:
            return False
        if pdf_files.open_file(self.path):
            return True
        self.info.setStyleSheet("color: #B00020;")
        self.info.setWordWrap(True)
        self.info.setText(pdf_files.no_viewer_text(self, self.path))
        return False


PRINT_DPI = 300


def make_printer() -> QPrinter:
    """A4 portrait at full page: the PDF already holds the official margins."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setPageOrientation(QPageLayout.Orientation.Portrait)
    printer.setFullPage(True)
    return printer


def print_document(
    document: QPdfDocument, printer: QPrinter, first: int = 0, last: int | None = None
) -> int:
    """Render each page at the printer's resolution onto the paper; returns pages printed."""
    count = document.pageCount()
    if count == 0:
        raise RuntimeError("没有可打印的页面。")
    from_page, to_page = printer.fromPage(), printer.toPage()
    if from_page > 0:  # the print dialog counts pages from 1; 0 means "all"
        first, last = from_page - 1, to_page - 1
    last = count - 1 if last is None else min(last, count - 1)
    painter = QPainter()
    if not painter.begin(printer):
        raise RuntimeError("无法连接打印机。")
    try:
        # 300 dpi is what office printers resolve; a 1200 dpi page image would take 550 MB.
        dpi = min(printer.resolution(), PRINT_DPI)
        paper = printer.paperRect(QPrinter.Unit.DevicePixel)
        for n, page in enumerate(range(first, last + 1)):
            if n:
                printer.newPage()
            points = document.pagePointSize(page)
            size = QSize(round(points.width() / 72 * dpi), round(points.height() / 72 * dpi))
            image = document.render(page, size)
            # Same scale both ways: an A4 page onto A4 paper keeps every millimetre.
            scale = min(paper.width() / size.width(), paper.height() / size.height())
            target = QRectF(0, 0, size.width() * scale, size.height() * scale)
            painter.drawImage(target, image)
    finally:
        painter.end()
    return last - first + 1


class PdfPreviewDialog(QDialog):
    """A window around PdfPreview, for a single printout (a certificate, a reprint)."""

    def __init__(
        self,
        path: Path,
        title: str,
        parent: QWidget | None = None,
        suggested_name: str = "证明.pdf",
        kind: str = "certificate",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(760, 680)
        self.preview = PdfPreview(self, suggested_name, kind)
        close = QPushButton(self.tr("关闭"))
        close.clicked.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.preview, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(close)
        layout.addLayout(row)
        self.preview.load(path, suggested_name, kind)
