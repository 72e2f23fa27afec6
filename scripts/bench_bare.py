"""The benchmark's floors: the same work done the bare way (sqlite3, openpyxl, reportlab's
canvas), written as a programmer would write it by hand, without the program's layers.

Nothing here imports the program's services; the floors read the database with sqlite3 and
the code tables from resources/code_tables.json.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
import subprocess
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MM = 72 / 25.4


def code_names() -> dict[str, dict[str, str]]:
    tables = json.loads((ROOT / "resources" / "code_tables.json").read_text(encoding="utf-8"))
    return {key: table["codes"] for key, table in tables.items() if isinstance(table, dict)}


# -- search ------------------------------------------------------------------------------
# The resident's searchable text, as one hand-written expression (what models.registry.search
# matches).
SEARCH_SQL = (
    "SELECT r.id, r.name, r.sex, r.birth_date, r.id_number, r.relation, r.category, r.status,"
    " r.phone, r.household_id, h.household_no, c.name, h.building, h.unit, h.room, c.id"
    " FROM resident r JOIN household h ON h.id = r.household_id"
    " JOIN compound c ON c.id = h.compound_id"
    " WHERE r.status = 'current' AND (r.name || '|' || r.pinyin || '|' || r.pinyin_initials"
    " || '|' || IFNULL(r.id_number, '') || '|' || REPLACE(REPLACE(r.phone, '-', ''), ' ', '')"
    " || '|' || h.household_no || '|' || c.name || h.building || h.unit || h.room) LIKE ?"
    " ORDER BY h.household_no, r.relation, r.id LIMIT 200"
)


def search(con: sqlite3.Connection, text: str) -> list[int]:
    return [row[0] for row in con.execute(SEARCH_SQL, (f"%{text}%",))]


# -- a household ---------------------------------------------------------------------------
def household(con: sqlite3.Connection, household_id: int) -> tuple[list, list, list]:
    """The rows the household dialog shows: compounds, the household, members, history."""
    con.execute("SELECT id, name FROM compound WHERE archived = 0 ORDER BY id").fetchall()
    house = con.execute(
        "SELECT h.*, c.name FROM household h JOIN compound c"
        " ON c.id = h.compound_id WHERE h.id = ?",
        (household_id,),
    ).fetchone()
    members = con.execute(
        "SELECT id, name, sex, birth_date, id_number, relation, category, status, phone"
        " FROM resident WHERE household_id = ? ORDER BY relation, birth_date, id",
        (household_id,),
    ).fetchall()
    number = house[1]
    history = con.execute(
        "SELECT e.*, r.name, h.household_no FROM life_event e"
        " LEFT JOIN resident r ON r.id = e.resident_id"
        " LEFT JOIN household h ON h.id = e.household_id"
        " WHERE e.household_id = ? OR e.from_value = ? OR e.to_value = ?"
        " ORDER BY e.event_date, e.id",
        (household_id, number, number),
    ).fetchall()
    return [house], members, history


# -- monthly figures -------------------------------------------------------------------------
def monthly_figures(con: sqlite3.Connection, first: dt.date, last: dt.date) -> list[list]:
    """Today's register counted per compound with GROUP BY, and the month's events."""
    born_by = last.replace(year=last.year - 60).isoformat()
    return [
        con.execute(
            "SELECT h.compound_id, r.category, r.sex, count(*), count(DISTINCT h.id),"
            " sum(r.birth_date <= ?) FROM resident r JOIN household h"
            " ON h.id = r.household_id WHERE r.status = 'current' GROUP BY 1, 2, 3",
            (born_by,),
        ).fetchall(),
        con.execute(
            "SELECT h.compound_id, e.kind, count(*) FROM life_event e"
            " JOIN household h ON h.id = e.household_id WHERE e.voided = 0"
            " AND e.event_date BETWEEN ? AND ? GROUP BY 1, 2",
            (first.isoformat(), last.isoformat()),
        ).fetchall(),
        con.execute(
            "SELECT h.compound_id, t.tag, count(*) FROM resident_tag t"
            " JOIN resident r ON r.id = t.resident_id JOIN household h"
            " ON h.id = r.household_id WHERE t.end_date IS NULL AND r.status = 'current'"
            " GROUP BY 1, 2"
        ).fetchall(),
        con.execute(
            "SELECT case_type, status, count(*) FROM casework_case GROUP BY 1, 2"
        ).fetchall(),
    ]


def pdf_words(path: Path) -> list[tuple[float, float, list[tuple[float, float, float, str]]]]:
    """(page width, height, words as (x, baseline y from the bottom, size, text)) per page."""
    html = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = []
    for page in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', html, re.S):
        width, height = float(page.group(1)), float(page.group(2))
        words = []
        for m in re.finditer(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" '
            r'yMax="([\d.]+)">(.*?)</word>',
            page.group(3),
        ):
            x, top, bottom = float(m.group(1)), float(m.group(2)), float(m.group(3))
            size = (bottom - top) * 0.8
            words.append((x, height - bottom + 0.2 * size, size, _unescape(m.group(4))))
        pages.append((width, height, words))
    return pages


def _unescape(text: str) -> str:
    return (
        text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")
    )


def draw_words(path: Path, pages: list, font: str) -> None:
    """The same words at the same places, drawn with reportlab's canvas."""
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=(pages[0][0], pages[0][1]), initialFontName=font)
    for _width, _height, words in pages:
        for x, y, size, text in words:
            c.setFont(font, size)
            c.drawString(x, y, text)
        c.showPage()
    c.save()


# -- household forms ---------------------------------------------------------------------------
FORM_SQL = (
    "SELECT h.id, h.household_no, h.household_type, c.name, h.building, h.unit, h.room, h.phone,"
    " r.name, r.relation, r.sex, r.ethnicity, r.birth_date, r.id_number, r.education,"
    " r.marital_status, r.political_status, r.category, r.phone, r.hukou_address, r.work_unit,"
    " r.arrived_on, r.id"
    " FROM household h JOIN compound c ON c.id = h.compound_id"
    " LEFT JOIN resident r ON r.household_id = h.id AND r.status = 'current'"
    " WHERE h.archived = 0 ORDER BY h.household_no, r.relation IN ('01', '02') DESC, r.relation,"
    " r.birth_date"
)


def form_rows(con: sqlite3.Connection) -> list[tuple[tuple, list[tuple]]]:
    """(household, members) in household-number order, with the members' special groups."""
    tags: dict[int, list[str]] = defaultdict(list)
    names = code_names()
    for rid, tag, detail in con.execute(
        "SELECT resident_id, tag, detail FROM resident_tag WHERE end_date IS NULL ORDER BY id"
    ):
        label = names["special_group"].get(tag, tag)
        tags[rid].append(f"{label}（{detail}）" if detail else label)
    out: list[tuple[tuple, list[tuple]]] = []
    for row in con.execute(FORM_SQL):
        if not out or out[-1][0][0] != row[0]:
            out.append((row[:8], []))
        if row[8] is not None:
            out[-1][1].append((*row[8:], "、".join(tags.get(row[22], []))))
    return out


def draw_forms(
    path: Path, households: list[tuple[tuple, list[tuple]]], font: str, title_font: str, unit: str
) -> None:
    """Each household's 人口信息登记表 drawn straight onto the canvas: the same strings and
    rules as the program's page, in fixed rows (long entries are not wrapped)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    names = code_names()
    left, top = 28 * MM, A4[1] - 37 * MM
    widths = [w * MM for w in (9, 23, 19, 15, 15, 21, 27, 27)]
    xs = [left]
    for w in widths:
        xs.append(xs[-1] + w)
    head_xs = [left + w * MM for w in (0, 20, 78, 98, 156)]
    header = [
        ["序号", "姓名", "与户主关系", "性别", "民族", "出生日期", "公民身份号码"],
        ["", "文化程度", "婚姻状况", "政治面貌", "人员类别", "联系电话", "工作单位/职业"],
        ["", "户籍地址；特殊人群；来本地日期"],
    ]
    c = canvas.Canvas(str(path), pagesize=A4, initialFontName=font)
    for page, (house, members) in enumerate(households, start=1):
        hid, number, kind, compound, building, unit_no, room, phone = house
        c.setFont(title_font, 22)
        c.drawCentredString(left + 78 * MM, top - 22, "人口信息登记表")
        c.setFont(font, 9)
        c.drawString(left, top - 45, f"填报单位：{unit}")
        y = top - 52
        head = next((m[0] for m in members if m[1] in ("01", "02")), "")
        c.setFont(font, 10.5)
        for label1, value1, label2, value2 in (
            ("户号", number, "户别", names["household_type"].get(kind, kind)),
            ("小区", compound, "住址", f"{building}{unit_no}{room}"),
            ("户主", head, "联系电话", phone or next((m[10] for m in members if m[10]), "")),
        ):
            for x, text in zip(head_xs, (label1, value1, label2, value2), strict=False):
                c.drawString(x + 6, y - 12, str(text or ""))
            y -= 17
        c.grid(head_xs, [top - 52 - 17 * i for i in range(4)])
        y -= 7
        rows_top = y
        c.setFont(font, 9)
        for cells in header:
            for x, text in zip(xs, cells, strict=False):
                c.drawCentredString(x + 20, y - 11, text)
            y -= 15.5
        for n, m in enumerate(members, start=1):
            (
                name,
                relation,
                sex,
                ethnicity,
                birth,
                number_id,
                education,
                marital,
                political,
                category,
                mphone,
                hukou,
                work,
                arrived,
                _rid,
                groups,
            ) = m
            masked = (
                number_id[:4] + "*" * (len(number_id) - 8) + number_id[-4:] if number_id else ""
            )
            c.drawCentredString(xs[0] + 13, y - 26, str(n))
            for cells in (
                [
                    name,
                    names["relation"].get(relation, relation),
                    names["sex"].get(sex, sex),
                    names["ethnicity"].get(ethnicity, ethnicity),
                    birth or "",
                    masked,
                ],
                [
                    names["education"].get(education, education),
                    names["marital_status"].get(marital, marital),
                    names["political_status"].get(political, political),
                    names["category"].get(category, category),
                    mphone,
                    work,
                ],
                [
                    "；".join(
                        x
                        for x in (
                            f"户籍地址：{hukou or '未登记'}",
                            f"特殊人群：{groups}" if groups else "",
                            f"来本地日期：{arrived}" if arrived else "",
                        )
                        if x
                    )
                ],
            ):
                for x, text in zip(xs[1:], cells, strict=False):
                    if text:
                        c.drawString(x + 3, y - 11, str(text))
                y -= 15.5
        c.grid(xs, [rows_top - 15.5 * i for i in range(3 * len(members) + 4)])
        c.drawString(left, y - 12, f"共 {len(members)} 人。公民身份号码已遮盖中间数字。")
        c.setFont(font, 12)
        for x, label in (
            (left, "户主签字："),
            (left + 160, "登记人："),
            (left + 310, "登记日期："),
        ):
            c.drawString(x, y - 40, label)
            c.line(x + 60, y - 42, x + 130, y - 42)
        c.setFont(font, 14)
        c.drawCentredString(left + 140 * MM, 30 * MM, f"— {page} —")
        c.showPage()
    c.save()


# -- the register workbook -------------------------------------------------------------------
def workbook_rows(con: sqlite3.Connection) -> list[list]:
    """The export's cells: one row a person, code names instead of codes."""
    names = code_names()
    coded = {
        5: "household_type",
        7: "relation",
        9: "sex",
        11: "ethnicity",
        12: "education",
        13: "marital_status",
        14: "political_status",
        15: "category",
        16: "resident_status",
    }
    rows = []
    for row in con.execute(
        "SELECT c.name, h.household_no, h.building, h.unit, h.room, h.household_type,"
        " r.name, r.relation, r.id_number, r.sex, r.birth_date, r.ethnicity, r.education,"
        " r.marital_status, r.political_status, r.category, r.status, r.phone,"
        " r.hukou_address, r.work_unit, r.arrived_on, r.notes"
        " FROM resident r JOIN household h ON h.id = r.household_id"
        " JOIN compound c ON c.id = h.compound_id WHERE h.archived = 0"
        " ORDER BY c.id, h.household_no, r.relation, r.id"
    ):
        out = list(row)
        for index, table in coded.items():
            if out[index]:
                out[index] = names.get(table, {}).get(out[index], out[index])
        for index in (10, 20):
            if out[index]:
                out[index] = dt.date.fromisoformat(out[index][:10])
        rows.append(out)
    return rows


TEXT_COLUMNS = (1, 2, 3, 4, 8, 17)
DATE_COLUMNS = (10, 20)


def write_workbook(path: Path, header: list[str], rows: list[list]) -> None:
    """The same cells with bare openpyxl: ID, household, phone and door numbers as text cells,
    dates as date cells."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell

    book = openpyxl.Workbook(write_only=True)
    ws = book.create_sheet("花名册")
    ws.append(["户籍人口花名册"])
    ws.append(header)
    for row in rows:
        out = []
        for index, value in enumerate(row):
            if value in (None, ""):
                out.append(None)
            elif index in TEXT_COLUMNS or index in DATE_COLUMNS:
                cell = WriteOnlyCell(ws, value)
                cell.number_format = "@" if index in TEXT_COLUMNS else "yyyy-mm-dd"
                out.append(cell)
            else:
                out.append(value)
        ws.append(out)
    book.save(path)


def read_workbook(path: Path) -> int:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True)
    count = 0
    for ws in book.worksheets:
        for _row in ws.iter_rows(values_only=True):
            count += 1
    book.close()
    return count
