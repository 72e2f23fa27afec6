"""The importer fuzzed (issue 19): files damaged at random from a valid register either read or
get the importer's one sentence (WorkbookReadError), never another exception.

Hypothesis draws the damage: byte flips, cuts and inserted bytes in the .xlsx zip; the same in
one member's XML, stored again with a good CRC so that the XML parser and openpyxl (not only
zipfile) see it; CSV text with odd encodings, line endings, stray quotes, control characters
and very long cells. derandomize=True: every run tries the same files, so CI is repeatable.
"""

from __future__ import annotations

import functools
import io
import os
import re
import zipfile
from pathlib import Path

import workbook_samples as ws
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from models.core.entities import Resident
from models.registry.workbook import importer as wi
from models.registry.workbook.read import WorkbookReadError, read_workbook

HEADER = ["小区", "户号", "姓名", "与户主关系", "身份证号码", "性别", "出生日期", "民族", "备注"]
ROWS = [
    ["南关小区", "1", "王建国", "户主", ws.WANG, "男", "1960-05-12", "汉族", "独居"],
    ["南关小区", "1", "李秀兰", "配偶", ws.QIAN, "女", "1959-09-09", "汉族", ""],
    ["南关小区", "2", "赵六", "户主", ws.FENG, "男", "1970.07.07", "回族", "低保"],
]
CJK = re.compile(r"[\u4e00-\u9fff]")
# 40 draws of each kind keep the file well under 20 s on a slow machine; NDESK_FUZZ_EXAMPLES
# asks for more when hunting (still derandomized: the same number gives the same files).
EXAMPLES = int(os.environ.get("NDESK_FUZZ_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


@functools.cache
def valid_xlsx() -> bytes:
    wb = Workbook()
    sheet = wb.active
    for row in [HEADER, *ROWS]:
        sheet.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@functools.cache
def xlsx_members() -> tuple[tuple[str, bytes], ...]:
    with zipfile.ZipFile(io.BytesIO(valid_xlsx())) as zf:
        return tuple((info.filename, zf.read(info)) for info in zf.infolist())


def _check(clerk, folder: Path, data: bytes, suffix: str) -> None:
    """*data* saved as a file either reads or gets one sentence; nothing is written.

    Hypothesis runs the body many times with one set of fixtures: each draw overwrites the
    same file in the test's folder, and the database (which a preview never writes) is shared.
    """
    path = folder / f"drawn{suffix}"
    path.write_bytes(data)
    try:
        read_workbook(path)
    except WorkbookReadError as exc:
        _is_a_sentence(exc)
    try:
        wi.preview(clerk, path)
    except WorkbookReadError as exc:
        _is_a_sentence(exc)
    assert Resident.select().count() == 0


def _is_a_sentence(exc: WorkbookReadError) -> None:
    message = str(exc)
    assert CJK.search(message), message
    assert "Traceback" not in message and "\n" not in message.strip(), message
    assert len(message) < 600, message[:200]


# -- byte damage --------------------------------------------------------------------------------

# (where as a fraction of the length, what to XOR with): positions scale to any file.
flips = st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(1, 255)), max_size=12)
inserts = st.lists(st.tuples(st.floats(0, 1), st.binary(min_size=1, max_size=64)), max_size=3)
cut = st.one_of(st.none(), st.floats(0, 1))


def damage(
    raw: bytes,
    flipped: list[tuple[float, int]],
    inserted: list[tuple[float, bytes]],
    keep: float | None,
) -> bytes:
    data = bytearray(raw)
    for where, xor in flipped if data else []:
        data[int(where * len(data))] ^= xor
    for where, extra in inserted:
        at = int(where * len(data))
        data[at:at] = extra
    if keep is not None:
        data = data[: int(keep * len(data))]
    return bytes(data)


def _zip(members: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            zf.writestr(name, data)
    return out.getvalue()


@FUZZ
@given(flipped=flips, inserted=inserts, keep=cut)
def test_xlsx_with_damaged_bytes(clerk, tmp_path, flipped, inserted, keep):
    _check(clerk, tmp_path, damage(valid_xlsx(), flipped, inserted, keep), ".xlsx")


# Members whose damage reaches openpyxl's XML reading rather than zipfile's CRC check.
XML_MEMBERS = [
    "xl/worksheets/sheet1.xml",
    "xl/workbook.xml",
    "xl/sharedStrings.xml",
    "xl/styles.xml",
    "[Content_Types].xml",
    "xl/_rels/workbook.xml.rels",
]
# Text that sheet XML holds, dropped in at random: tags cut in half, odd cell types, merges.
XML_BITS = [
    b"<row>",
    b"</row>",
    b'<c r="A9" t="n"><v>abc</v></c>',
    b'<c t="s"><v>99</v></c>',
    b'<c r="XFD1048576"><v>1</v></c>',
    b'<mergeCell ref="A1:A900000"/>',
    b"<v>",
    b'<c r="B2" t="d"><v>not-a-date</v></c>',
    b'<c t="b"><v>x</v></c>',
    b"&#0;",
    b"]]>",
    b'<dimension ref="A1:XFD1048576"/>',
    b'<c r="A2" t="inlineStr"><is><t>',
    b"\x00",
]


@FUZZ
@given(
    member=st.sampled_from(XML_MEMBERS),
    flipped=flips,
    inserted=st.lists(
        st.tuples(st.floats(0, 1), st.one_of(st.sampled_from(XML_BITS), st.binary(max_size=32))),
        max_size=4,
    ),
    keep=cut,
)
def test_xlsx_with_damaged_xml(clerk, tmp_path, member, flipped, inserted, keep):
    members = [
        (name, damage(data, flipped, inserted, keep) if name == member else data)
        for name, data in xlsx_members()
    ]
    _check(clerk, tmp_path, _zip(members), ".xlsx")


# -- CSV text -----------------------------------------------------------------------------------

ODD_CHARS = "\x00\x0b\x0c\x1a\x7f\x85\u2028\u202e\ufeff\ufffd\"',;\t\r\n 　一"
cell = st.one_of(
    st.sampled_from([c for row in ROWS for c in row] + HEADER),
    st.text(alphabet=st.sampled_from(ODD_CHARS + "王李0123456789X-."), max_size=20),
    st.text(max_size=12),
    # very long cells, made cheaply: one character many times (over csv's 131,072 limit too)
    st.tuples(st.sampled_from('王a"9 '), st.sampled_from([1_000, 32_768, 70_000, 140_000])).map(
        lambda t: t[0] * t[1]
    ),
)
body_row = st.lists(cell, min_size=0, max_size=len(HEADER) + 3)
ENCODINGS = [
    "utf-8",
    "utf-8-sig",
    "gb18030",
    "utf-16",
    "utf-16-le",
    "utf-16-be",
    "big5",
    "latin-1",
    "utf-32",
]


def csv_bytes(
    rows: list[list[str]], separator: str, line_end: str, quote_all: bool, encoding: str
) -> bytes:
    def one(value: str) -> str:
        return '"' + value.replace('"', '""') + '"' if quote_all else value

    text = line_end.join(separator.join(one(v) for v in row) for row in rows) + line_end
    return text.encode(encoding, errors="replace")


@FUZZ
@given(
    rows=st.lists(body_row, max_size=6),
    keep_header=st.booleans(),
    separator=st.sampled_from([",", "\t", ";", "，", "|"]),
    line_end=st.sampled_from(["\n", "\r\n", "\r", "\n\r", "\r\r\n"]),
    quote_all=st.booleans(),
    encoding=st.sampled_from(ENCODINGS),
    flipped=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(1, 255)), max_size=3),
    keep=st.one_of(st.none(), st.floats(0.5, 1)),
)
def test_csv_with_odd_text(
    clerk, tmp_path, rows, keep_header, separator, line_end, quote_all, encoding, flipped, keep
):
    table = ([HEADER] if keep_header else []) + [list(r) for r in ROWS[:1]] + rows
    raw = csv_bytes(table, separator, line_end, quote_all, encoding)
    _check(clerk, tmp_path, damage(raw, flipped, [], keep), ".csv")


@FUZZ
@given(data=st.binary(max_size=4096), suffix=st.sampled_from([".csv", ".xlsx", ".xls", ".txt"]))
def test_random_bytes(clerk, tmp_path, data, suffix):
    _check(clerk, tmp_path, data, suffix)


def test_the_undamaged_files_read(clerk, tmp_path):
    """The fuzzing starts from files that import: damage, not the base, is what is refused."""
    path = tmp_path / "base.xlsx"
    path.write_bytes(valid_xlsx())
    assert [r.name for r in wi.preview(clerk, path).rows] == ["王建国", "李秀兰", "赵六"]
    for encoding in ("utf-8", "utf-8-sig", "gb18030", "utf-16", "utf-16-le", "utf-16-be"):
        path = tmp_path / f"base-{encoding}.csv"
        path.write_bytes(csv_bytes([HEADER, *ROWS], ",", "\r\n", False, encoding))
        assert [r.name for r in wi.preview(clerk, path).rows] == ["王建国", "李秀兰", "赵六"], (
            encoding
        )
