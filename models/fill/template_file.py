"""Opening a department's template (一表通) as an openpyxl workbook.

A template is the file as the department sent it (bytes, or a path). Its kind is told by its
first bytes, not its name: an .xlsx is loaded as is, an .xls is rebuilt in memory
(models.fill.xls); a CSV file, an .xlsx with an open password and a damaged file each get one
Chinese sentence (TemplateError).

What is kept from an .xlsx template: everything openpyxl round-trips (values, merged cells,
column widths, row heights, fonts, borders, fills, alignment, number formats, print setup,
data validations, conditional formatting, comments, other sheets). What openpyxl drops:
shapes and text boxes, form controls, macros (output is always .xlsx), and pictures unless
Pillow is installed.

An .xls template (Excel 97-2003) is read with xlrd and rebuilt as an .xlsx: cell values,
merged cells, column widths, row heights, fonts (name, size, bold, italic, underline,
colour), borders (line styles), alignment (horizontal, vertical, wrap), number formats and
solid fills are carried over as far as xlrd reports them. Lost from an .xls: data
validations (xlrd does not read them), conditional formatting, print setup (paper, margins,
print titles, page header/footer), frozen panes, pictures, comments and formulas (their last
computed value is kept).
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from models.core.errors import UserFacingError

Source = bytes | str | Path


class TemplateError(UserFacingError):
    """Message is one Chinese sentence for the clerk."""


def template_name(source: Source) -> str:
    return "模板" if isinstance(source, bytes) else f"“{Path(source).name}”"


def _read_bytes(source: Source) -> tuple[bytes, str]:
    """(content, lower-case suffix or "" for bytes)."""
    if isinstance(source, bytes):
        return source, ""
    path = Path(source)
    if not path.exists():
        raise TemplateError(f"模板文件“{path}”不存在。")
    if path.is_dir():
        raise TemplateError(f"“{path}”是一个文件夹，不是模板文件。")
    try:
        return path.read_bytes(), path.suffix.lower()
    except OSError as exc:
        raise TemplateError(f"无法读取模板文件“{path.name}”：{exc}") from exc


def _kind(data: bytes, suffix: str, name: str) -> str:
    if data.startswith(b"PK"):
        return "xlsx"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        # An .xlsx with an open password is an OLE file too (EncryptedPackage inside).
        if b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k\x00a\x00g\x00e" in data:
            raise TemplateError(f"{name}设有打开密码，请在 Excel 或 WPS 中取消密码后另存再使用。")
        return "xls"
    if suffix in (".csv", ".txt"):
        raise TemplateError(f"{name}是 CSV 文本文件，模板须是 Excel 工作簿（.xlsx 或 .xls）。")
    if suffix in (".xlsx", ".xlsm", ".xls"):
        raise TemplateError(f"{name}已损坏或不是有效的 Excel 工作簿。")
    raise TemplateError(f"{name}不是 Excel 工作簿，模板须是 .xlsx 或 .xls 文件。")


def load_template(source: Source) -> Any:
    """The template as an openpyxl workbook (an .xls is rebuilt in memory)."""
    name = template_name(source)
    data, suffix = _read_bytes(source)
    kind = _kind(data, suffix, name)
    try:
        if kind == "xlsx":
            import openpyxl

            return openpyxl.load_workbook(io.BytesIO(data), rich_text=False)
        from models.fill.xls import XlsError, xls_to_openpyxl

        try:
            return xls_to_openpyxl(data)
        except XlsError as exc:
            raise TemplateError(str(exc)) from exc
    except TemplateError:
        raise
    except Exception as exc:
        # Damaged files make zipfile, zlib, the XML parser, openpyxl or xlrd raise almost
        # anything; the clerk gets one sentence either way.
        raise TemplateError(
            f"{name}已损坏、设有密码或不是有效的 Excel 工作簿（{type(exc).__name__}: "
            f"{str(exc)[:120]}）。"
        ) from exc


def cell_label(value: Any) -> str:
    """A cell as a header label: no whitespace or newlines of any kind."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\s+", "", str(value))
