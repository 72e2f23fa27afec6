"""Malformed files get one Chinese sentence (WorkbookReadError), never a traceback (issue 19).

The corpus is built here from a valid register so each file is damaged in exactly one way.
"""

from __future__ import annotations

import random
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
import workbook_samples as ws
from openpyxl import Workbook

import main
from models.core.db import close_database
from models.core.entities import Resident
from models.registry.workbook import importer as wi

HEADER = ["小区", "户号", "姓名", "与户主关系", "身份证号码", "性别", "出生日期", "民族"]
ROWS = [
    ["南关小区", "1", "王建国", "户主", ws.WANG, "男", "1960-05-12", "汉族"],
    ["南关小区", "1", "李秀兰", "配偶", ws.QIAN, "女", "1959-09-09", "汉族"],
]
CJK = re.compile(r"[\u4e00-\u9fff]")
SHEET = "xl/worksheets/sheet1.xml"


def _csv_text(line_end: str = "\n") -> str:
    return line_end.join(",".join(r) for r in [HEADER, *ROWS]) + line_end


def _xlsx(path: Path, rows: list[list[str]] | None = None) -> Path:
    wb = Workbook()
    sheet = wb.active
    for row in [HEADER, *(ROWS if rows is None else rows)]:
        sheet.append(row)
    wb.save(path)
    return path


def _rewrite(
    path: Path, member: str, change: Callable[[bytes], bytes], compress: int = zipfile.ZIP_DEFLATED
) -> Path:
    """Copy the zip at *path* with *member* changed (and stored with *compress*)."""
    with zipfile.ZipFile(path) as src:
        items = [(info.filename, src.read(info)) for info in src.infolist()]
    with zipfile.ZipFile(path, "w") as dst:
        for name, data in items:
            if name == member:
                dst.writestr(name, change(data), compress_type=compress)
            else:
                dst.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
    return path


def _flip_member_bytes(path: Path, member: str) -> None:
    """Flip bytes in the middle of *member*'s stored data: the zip's CRC no longer matches."""
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(member)
    raw = bytearray(path.read_bytes())
    # local header: 30 bytes + name + extra, then the data
    name_len = int.from_bytes(raw[info.header_offset + 26 : info.header_offset + 28], "little")
    extra_len = int.from_bytes(raw[info.header_offset + 28 : info.header_offset + 30], "little")
    start = info.header_offset + 30 + name_len + extra_len
    middle = start + info.compress_size // 2
    for i in range(middle, middle + 8):
        raw[i] ^= 0x55
    path.write_bytes(bytes(raw))


# -- the corpus -------------------------------------------------------------------------------


def cr_only_csv(tmp: Path) -> Path:
    path = tmp / "cr.csv"
    path.write_bytes(_csv_text("\r").encode("utf-8"))
    return path


def utf16_bom_csv(tmp: Path) -> Path:
    path = tmp / "utf16bom.csv"
    path.write_bytes(_csv_text().encode("utf-16"))
    return path


def utf16_odd_csv(tmp: Path) -> Path:
    path = tmp / "utf16odd.csv"
    path.write_bytes(_csv_text().encode("utf-16") + b"\x41")  # half a code unit at the end
    return path


def utf16_no_bom_csv(tmp: Path) -> Path:
    path = tmp / "utf16le.csv"
    path.write_bytes(_csv_text().encode("utf-16-le"))
    return path


def utf16_be_no_bom_csv(tmp: Path) -> Path:
    path = tmp / "utf16be.csv"
    path.write_bytes(_csv_text("\r\n").encode("utf-16-be"))
    return path


def utf16_no_bom_odd_csv(tmp: Path) -> Path:
    path = tmp / "utf16le_odd.csv"
    path.write_bytes(_csv_text().encode("utf-16-le") + b"\x41")  # half a code unit at the end
    return path


def crc_stored_xlsx(tmp: Path) -> Path:
    path = _rewrite(_xlsx(tmp / "crc.xlsx"), SHEET, lambda d: d, zipfile.ZIP_STORED)
    _flip_member_bytes(path, SHEET)
    return path


def crc_deflated_xlsx(tmp: Path) -> Path:
    path = _rewrite(_xlsx(tmp / "zlib.xlsx"), SHEET, lambda d: d + b" " * 4000)
    _flip_member_bytes(path, SHEET)
    return path


def broken_xml_xlsx(tmp: Path) -> Path:
    return _rewrite(
        _xlsx(tmp / "xml.xlsx"),
        SHEET,
        lambda d: d.replace(b"</sheetData>", b'<row><c r="A9"><v>1</c></sheetData>'),
    )


def truncated_xlsx(tmp: Path) -> Path:
    path = _xlsx(tmp / "cut.xlsx")
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) // 2])
    return path


def random_xls(tmp: Path) -> Path:
    path = tmp / "random.xls"
    path.write_bytes(random.Random(19).randbytes(20_000))
    return path


def damaged_ole_xls(tmp: Path) -> Path:
    """The OLE signature of a real .xls followed by noise."""
    path = tmp / "damaged.xls"
    noise = random.Random(7).randbytes(8_000)
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + noise)
    return path


def long_cell_xlsx(tmp: Path) -> Path:
    """openpyxl cuts cells to Excel's 32,767 characters when it writes: lengthen it after."""
    rows = [list(ROWS[0]), list(ROWS[1])]
    rows[0][2] = "王" * 100
    short = ("王" * 100).encode()
    return _rewrite(
        _xlsx(tmp / "long.xlsx", rows), SHEET, lambda d: d.replace(short, "王".encode() * 140_000)
    )


def long_cell_csv(tmp: Path) -> Path:
    path = tmp / "long.csv"
    rows = [list(ROWS[0]), list(ROWS[1])]
    rows[1][2] = "李" * 140_000
    path.write_text("\n".join(",".join(r) for r in [HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def huge_merge_xlsx(tmp: Path) -> Path:
    """A merged range of 200,000 rows and every column on a sheet of three rows."""

    def add_merge(data: bytes) -> bytes:
        merges = (
            b'<mergeCells count="2"><mergeCell ref="A1:A200000"/>'
            b'<mergeCell ref="B2:XFD1048576"/></mergeCells>'
        )
        return data.replace(b"</sheetData>", b"</sheetData>" + merges)

    return _rewrite(_xlsx(tmp / "merge.xlsx"), SHEET, add_merge)


def nul_csv(tmp: Path) -> Path:
    path = tmp / "nul.csv"
    path.write_bytes(_csv_text().encode("utf-8").replace("李秀兰".encode(), b"\x00"))
    return path


def late_nul_csv(tmp: Path) -> Path:
    """A NUL byte past the first 4 KB, which the quick sniff does not look at."""
    path = tmp / "late_nul.csv"
    filler = [["南关小区", "2", f"张{i}", "户主", "", "男", "", "汉族"] for i in range(200)]
    text = "\n".join(",".join(r) for r in [HEADER, *ROWS, *filler]) + "\n"
    path.write_bytes(text.encode("utf-8") + b"\x00tail,\x00\n")
    return path


def bad_cell_values_xlsx(tmp: Path) -> Path:
    """Cells whose XML says number or date but holds nonsense."""

    def garble(data: bytes) -> bytes:
        extra = (
            b'<row r="4"><c r="A4" t="n"><v>abc</v></c><c r="B4" t="d"><v>not-a-date</v>'
            b'</c><c r="C4" t="s"><v>999</v></c><c r="D4" t="b"><v>x</v></c></row>'
        )
        return data.replace(b"</sheetData>", extra + b"</sheetData>")

    return _rewrite(_xlsx(tmp / "cells.xlsx"), SHEET, garble)


CORPUS = [
    cr_only_csv,
    utf16_bom_csv,
    utf16_odd_csv,
    utf16_no_bom_csv,
    utf16_be_no_bom_csv,
    utf16_no_bom_odd_csv,
    crc_stored_xlsx,
    crc_deflated_xlsx,
    broken_xml_xlsx,
    truncated_xlsx,
    random_xls,
    damaged_ole_xls,
    long_cell_xlsx,
    long_cell_csv,
    huge_merge_xlsx,
    nul_csv,
    late_nul_csv,
    bad_cell_values_xlsx,
]


@pytest.mark.parametrize("make", CORPUS, ids=[f.__name__ for f in CORPUS])
def test_bad_file_gets_a_sentence(make, tmp_path, clerk):
    path = make(tmp_path)
    try:
        pv = wi.preview(clerk, path)
    except wi.WorkbookReadError as exc:
        message = str(exc)
        assert CJK.search(message), message
        assert "Traceback" not in message and len(message) < 600
    else:
        # what was read is the file's data lines, nothing made up (no row per merged cell)
        assert 0 < len(pv.rows) <= len(ROWS) + 200, len(pv.rows)
    assert Resident.select().count() == 0


def test_cr_only_csv_is_read_as_lines(tmp_path, clerk):
    pv = wi.preview(clerk, cr_only_csv(tmp_path))
    assert [r.row for r in pv.rows] == [2, 3]


def test_utf16_with_bom_is_read(tmp_path, clerk):
    pv = wi.preview(clerk, utf16_bom_csv(tmp_path))
    assert len(pv.rows) == 2


@pytest.mark.parametrize("make", [utf16_no_bom_csv, utf16_be_no_bom_csv])
def test_utf16_without_bom_is_read(make, tmp_path, clerk):
    pv = wi.preview(clerk, make(tmp_path))
    assert [r.row for r in pv.rows] == [2, 3]
    assert [r.name for r in pv.rows] == ["王建国", "李秀兰"]


def test_damaged_utf16_without_bom_gets_a_sentence(tmp_path, clerk):
    with pytest.raises(wi.WorkbookReadError, match="UTF-16"):
        wi.preview(clerk, utf16_no_bom_odd_csv(tmp_path))


def test_a_stray_nul_is_not_taken_for_utf16(tmp_path, clerk):
    """A UTF-8 file with a NUL in it is still refused as not text, not misread as UTF-16."""
    with pytest.raises(wi.WorkbookReadError, match="不是文本格式"):
        wi.preview(clerk, nul_csv(tmp_path))


def test_huge_merge_is_capped_to_the_rows_there(tmp_path, clerk):
    pv = wi.preview(clerk, huge_merge_xlsx(tmp_path))
    assert [r.row for r in pv.rows] == [2, 3]


@pytest.mark.parametrize("make", [long_cell_xlsx, late_nul_csv])
def test_refused_outright(make, tmp_path, clerk):
    """Files that would read, but whose content no typed register holds."""
    with pytest.raises(wi.WorkbookReadError) as caught:
        wi.preview(clerk, make(tmp_path))
    assert len(str(caught.value)) < 300  # the long cell is not echoed back


def test_csv_cell_over_excel_limit(tmp_path, clerk):
    path = tmp_path / "wide.csv"
    rows = [list(ROWS[0]), list(ROWS[1])]
    rows[1][7] = "汉" * 40_000  # under csv's own field limit, over Excel's 32,767
    path.write_text("\n".join(",".join(r) for r in [HEADER, *rows]) + "\n", encoding="utf-8")
    with pytest.raises(wi.WorkbookReadError, match="第 3 行 H 列超过 32767 个字符"):
        wi.preview(clerk, path)
    assert Resident.select().count() == 0


CLI_CASES = [crc_stored_xlsx, broken_xml_xlsx, random_xls, long_cell_csv]


@pytest.mark.parametrize("make", CLI_CASES, ids=[f.__name__ for f in CLI_CASES])
def test_cli_exit_2_and_chinese_sentence(make, tmp_path, capsys):
    path = make(tmp_path)
    db_path = tmp_path / "cli.sqlite3"
    try:
        code = main.main(
            ["import", "households", str(path), "--db", str(db_path), "--category", "1"]
        )
        err = capsys.readouterr().err
        assert code == 2, err
        assert err.startswith("错误：") and CJK.search(err.removeprefix("错误："))
        assert "Traceback" not in err and len(err.strip().splitlines()) == 1
        assert Resident.select().count() == 0
    finally:
        close_database()
