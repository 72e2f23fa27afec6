"""One register row from a workbook, turned into register values with a list of problems.

Rules: an ID number that fails its check, an unknown code, a missing name, relation or
household number reject the row; a typed birth date or sex that disagrees with the ID number
is a warning, and the ID number's value is kept (domain notes §2). Blank cells never erase
what the register already holds.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from models.core import codes, idcard
from models.registry.workbook import words as workbook_words
from models.registry.workbook.cells import (
    DateParts,
    cell_text,
    clean_text,
    column_letter,
    date_from_cell,
    id_from_cell,
)
from models.registry.workbook.headers import header_label
from models.registry.workbook.table import SheetTable, SourceRow
from models.registry.workbook.tags import TagPlan, TagValue, parse_cell

HEAD = "02"  # 与户主关系: 户主
OK, WARNING, REJECTED = "ok", "warning", "rejected"
STATUS_NAMES = {OK: "正常", WARNING: "警告", REJECTED: "退回"}

# Register field -> code table (values typed as names or aliases, stored as codes).
CODED_FIELDS = {
    "ethnicity": "ethnicity",
    "relation": "relation",
    "education": "education",
    "marital_status": "marital_status",
    "political_status": "political_status",
    "category": "category",
    "status": "resident_status",
}
FIELD_LABELS = {
    "compound": "小区",
    "household_no": "户号",
    "building": "楼栋",
    "unit": "单元",
    "room": "门牌",
    "household_type": "户别",
    "name": "姓名",
    "id_number": "身份证号码",
    "sex": "性别",
    "birth_date": "出生日期",
    "ethnicity": "民族",
    "relation": "与户主关系",
    "education": "文化程度",
    "marital_status": "婚姻状况",
    "political_status": "政治面貌",
    "category": "人员类别",
    "status": "人员状态",
    "phone": "联系电话",
    "hukou_address": "户籍地址",
    "work_unit": "工作单位",
    "arrived_on": "来本地日期",
    "notes": "备注",
    "household_phone": "户电话",
    "household_notes": "户备注",
    "special_groups": "特殊人群",
    "address": "住址",
    "extra": "记入备注",
}
# Fields a clerk may give a column in the preview, in the order the drop-down lists them.
MAPPABLE = (
    "name",
    "id_number",
    "relation",
    "household_no",
    "compound",
    "address",
    "building",
    "unit",
    "room",
    "household_type",
    "sex",
    "birth_date",
    "ethnicity",
    "education",
    "marital_status",
    "political_status",
    "category",
    "status",
    "phone",
    "hukou_address",
    "work_unit",
    "arrived_on",
    "notes",
    "household_phone",
    "household_notes",
    "special_groups",
    "extra",
)
TEXT_LIMITS = {
    "name": 50,
    "phone": 30,
    "hukou_address": 200,
    "work_unit": 100,
    "household_no": 30,
    "building": 20,
    "unit": 20,
    "room": 20,
    "compound": 100,
    "household_phone": 30,
}
HOUSEHOLD_FIELDS = ("compound", "building", "unit", "room", "household_type", "phone", "notes")
# Household columns of free text: file field -> Household field.
HOUSEHOLD_TEXT_FIELDS = {"household_phone": "phone", "household_notes": "notes"}
PERSON_TEXT_FIELDS = ("phone", "hukou_address", "work_unit", "notes")
# The same few names repeat thousands of times in a register; look each up once.
lookup = lru_cache(maxsize=8192)(codes.lookup)
# Sheet names that a spreadsheet program makes up: never taken for a compound's name.
_DEFAULT_SHEET = re.compile(
    r"^(sheet|工作表|表|页)\s*\d*$|^.$|人口|花名册|名册|登记|采集|信息|统计|普查|"
    r"模板|户籍|居民|人员|导入|导出",
    re.IGNORECASE,
)


@dataclass
class ImportOptions:
    """The clerk's answers in the preview (or on the command line)."""

    mapping: dict[str, str] = field(default_factory=dict)  # header key -> field, "" = skip
    compound: str = ""  # for every sheet without a 小区 column
    compounds: dict[str, str] = field(default_factory=dict)  # sheet -> compound, wins
    category: str = ""  # 人员类别 of new people whose row does not say
    enrolled_on: dt.date | None = None  # 入册日期 of new people with no arrival date
    use_saved: bool = True  # apply the choices remembered for the layout

    def compound_for(self, sheet: str) -> str:
        return (self.compounds.get(sheet) or self.compound).strip()


@dataclass
class SheetPlan:
    """What one sheet needs that its columns do not say, and where each answer came from."""

    sheet: str
    census: bool = False
    compound: str = ""  # for rows of a sheet without a 小区 column
    compound_from: str = ""  # "column", "chosen", "saved", "sheet" (its name, a proposal)
    category: str = ""
    category_from: str = ""  # "column", "chosen", "saved", "proposed", "household_type"
    category_hint: str = ""  # the header that proposed the category
    generated: bool = False  # no 户号 column: households formed from the heads
    missing: list[str] = field(default_factory=list)  # required fields with no column


@dataclass
class Issue:
    level: str  # WARNING or REJECTED
    column: str  # spreadsheet column letter, "" for the whole row
    label: str  # the header as typed (or the field's name)
    message: str

    def text(self) -> str:
        where = f"{self.column}列" if self.column else ""
        if self.label:
            where += f"（{self.label}）" if where else self.label
        return f"{where}：{self.message}" if where else self.message


@dataclass
class RowResult:
    sheet: str
    row: int
    values: list[Any]
    name: str = ""
    id_text: str = ""  # the ID cell as typed
    id_number: str = ""  # normalised 18 characters, when valid
    household_no: str = ""
    person: dict[str, Any] = field(default_factory=dict)  # resident fields from the file
    household: dict[str, Any] = field(default_factory=dict)  # household fields from the file
    issues: list[Issue] = field(default_factory=list)
    file_issues: list[Issue] = field(default_factory=list)  # found in the file alone
    action: str = ""  # "new", "update", "same" once checked against the register
    tags: list[TagValue] | None = None  # 特殊人群 from the file; None: the file has no such column
    tag_plan: TagPlan | None = None  # what the import does to the person's open tags
    group: str = ""  # no 户号 column: the household formed from the head above ("sheet#row")
    address: str = ""  # the address as the row gives it (for checking and showing)
    defaults: dict[str, Any] = field(default_factory=dict)  # values for a new person only

    @property
    def status(self) -> str:
        if any(i.level == REJECTED for i in self.issues):
            return REJECTED
        if self.issues:
            return WARNING
        return OK

    @property
    def rejected(self) -> bool:
        return self.status == REJECTED

    def reason(self) -> str:
        return "；".join(i.text() for i in self.issues)


def make_issue(sheet: SheetTable, level: str, name: str, message: str) -> Issue:
    """An issue placed at the column that holds field *name*, labelled as the header reads."""
    index = sheet.columns.get(name)
    column = column_letter(index) if index is not None else ""
    label = FIELD_LABELS.get(name, "")
    if index is not None and index < len(sheet.headers) and sheet.headers[index]:
        label = re.sub(r"\s+", "", sheet.headers[index])
    return Issue(level, column, label, message)


def where_text(row: RowResult, other: RowResult) -> str:
    """Where *other* is, as seen from *row*: 第8行, or 工作表“南关小区”第8行 on another sheet."""
    return (
        f"第{other.row}行" if other.sheet == row.sheet else f"工作表“{other.sheet}”第{other.row}行"
    )


class RowParser:
    """Parses the rows of one sheet (the header decides which fields are present)."""

    def __init__(
        self,
        sheet: SheetTable,
        today: dt.date,
        options: ImportOptions | None = None,
        saved: dict[str, Any] | None = None,
    ) -> None:
        self.sheet = sheet
        self.today = today
        options = options or ImportOptions()
        saved = saved or {}
        plan = self.plan = SheetPlan(sheet.name)
        plan.census = workbook_words.is_census(sheet.headers, sheet.title + sheet.name)
        plan.generated = "household_no" not in sheet.columns
        for name in ("id_number", "relation"):
            if name not in sheet.columns:
                plan.missing.append(name)
        if "compound" in sheet.columns:
            plan.compound_from = "column"
        elif options.compound_for(sheet.name):
            plan.compound, plan.compound_from = options.compound_for(sheet.name), "chosen"
        elif saved.get("compound"):
            plan.compound, plan.compound_from = str(saved["compound"]), "saved"
        else:
            name = sheet.name.strip()
            if name and not _DEFAULT_SHEET.match(name):
                plan.compound, plan.compound_from = name, "sheet"
        plan.compound = " ".join(plan.compound.split())
        if "category" in sheet.columns:
            plan.category_from = "column"
        if options.category:
            plan.category, plan.category_from = options.category, plan.category_from or "chosen"
        elif saved.get("category"):
            plan.category, plan.category_from = (
                str(saved["category"]),
                plan.category_from or "saved",
            )
        elif "household_type" in sheet.columns and not plan.census and not plan.category_from:
            plan.category_from = "household_type"  # 流动户 -> 流动人口, else 户籍人口
        if not plan.category:
            proposal, hint = workbook_words.proposed_category(sheet.headers, sheet.title)
            if proposal and plan.category_from in ("", "household_type"):
                plan.category, plan.category_from, plan.category_hint = proposal, "proposed", hint
        self.compound_from_sheet = plan.compound

    def _issue(self, result: RowResult, level: str, name: str, message: str) -> None:
        result.issues.append(make_issue(self.sheet, level, name, message))

    def reject(self, result: RowResult, name: str, message: str) -> None:
        self._issue(result, REJECTED, name, message)

    def warn(self, result: RowResult, name: str, message: str) -> None:
        self._issue(result, WARNING, name, message)

    def text(self, row: SourceRow, name: str) -> str:
        return cell_text(self.sheet.value(row, name))

    def parse(self, row: SourceRow) -> RowResult:
        result = RowResult(self.sheet.name, row.number, row.values)
        self._name(result, row)
        self._id(result, row)
        self._household(result, row)
        self._codes(result, row)
        self._sex_and_birth(result, row)
        self._household_text(result, row)
        if "special_groups" in self.sheet.columns:
            cell = parse_cell(self.text(row, "special_groups"), self.today)
            for message in cell.errors:
                self.reject(result, "special_groups", message)
            for message in cell.warnings:
                self.warn(result, "special_groups", message)
            result.tags = cell.tags
        for name in PERSON_TEXT_FIELDS:
            if name in self.sheet.columns:
                value = self.text(row, name)
                if value:
                    if name in TEXT_LIMITS and len(value) > TEXT_LIMITS[name]:
                        self.reject(result, name, f"内容过长（最多{TEXT_LIMITS[name]}字）")
                    result.person[name] = value
        if "arrived_on" in self.sheet.columns:
            self._arrived(result, row)
        for index in self.sheet.multi.get("extra", []):
            value = cell_text(row.values[index]) if index < len(row.values) else ""
            if value:
                label = header_label(self.sheet.headers[index]) or column_letter(index)
                self._note(result, f"{label}：{value}")
        return result

    def _note(self, result: RowResult, text: str) -> None:
        """Keep *text* in the person's notes (a typed word the code only approximates)."""
        notes = result.person.get("notes", "")
        if text not in notes.split("；"):
            result.person["notes"] = f"{notes}；{text}" if notes else text

    def _arrived(self, result: RowResult, row: SourceRow) -> None:
        parts = date_from_cell(self.sheet.value(row, "arrived_on"))
        shown = cell_text(self.sheet.value(row, "arrived_on"))
        if parts is None:
            return
        if not isinstance(parts, DateParts):
            self.warn(result, "arrived_on", f"“{shown}”不是可识别的日期，未导入")
            return
        day = parts.date()
        if day is None and parts.month is not None:
            day = dt.date(parts.year, parts.month, 1)
            self.warn(result, "arrived_on", f"“{shown}”只有年月，按该月1日记为来本地日期")
        if day is None:
            self.warn(result, "arrived_on", f"“{shown}”不是完整的日期，未导入")
            return
        # A date before the birth is kept as typed (a child born here carries the family's
        # arrival date); the entry event is then dated the birth.
        if day > self.today:
            self.warn(result, "arrived_on", f"“{shown}”晚于今天，未导入")
        else:
            result.person["arrived_on"] = day

    def _household_text(self, result: RowResult, row: SourceRow) -> None:
        for name, stored_as in HOUSEHOLD_TEXT_FIELDS.items():
            if name in self.sheet.columns:
                value = self.text(row, name)  # as typed, like the person's phone and notes
                if name in TEXT_LIMITS and len(value) > TEXT_LIMITS[name]:
                    self.reject(result, name, f"内容过长（最多{TEXT_LIMITS[name]}字）")
                elif value:
                    result.household[stored_as] = value

    def _name(self, result: RowResult, row: SourceRow) -> None:
        raw = self.text(row, "name")
        # 王  芳: spaces typed to line names up are not part of the name; 阿依古丽·买买提 keeps
        # its dot.
        name = (
            re.sub(r"\s+", "", raw) if re.search(r"[\u4e00-\u9fff]", raw) else " ".join(raw.split())
        )
        result.name = name
        if not name:
            self.reject(result, "name", "姓名为空")
        elif len(name) > TEXT_LIMITS["name"]:
            self.reject(result, "name", "姓名过长")
        else:
            result.person["name"] = name

    def _id(self, result: RowResult, row: SourceRow) -> None:
        if "id_number" not in self.sheet.columns:
            return  # asked once for the sheet (SheetPlan.missing)
        text, problem = id_from_cell(self.sheet.value(row, "id_number"))
        result.id_text = text
        if problem:
            self.reject(result, "id_number", problem)
            return
        if not text:
            self.reject(result, "id_number", "身份证号码为空")
            return
        check = idcard.check(text, self.today)
        if not check.ok:
            self.reject(result, "id_number", f"身份证号码“{text}”有误：{check.message}")
            return
        result.id_number = check.number
        result.person["id_number"] = check.number
        result.person["birth_date"] = check.birth_date
        result.person["sex"] = check.sex

    def _household(self, result: RowResult, row: SourceRow) -> None:
        if "household_no" in self.sheet.columns:
            number = clean_text(self.text(row, "household_no"))  # an identifier: Ｎ００１ is N001
            if not number:
                self.reject(result, "household_no", "户号为空")
            elif len(number) > TEXT_LIMITS["household_no"]:
                self.reject(result, "household_no", "户号过长")
            result.household_no = number
        compound = (
            self.text(row, "compound")
            if "compound" in self.sheet.columns
            else self.compound_from_sheet
        )
        compound = " ".join(compound.split())
        if not compound:
            if "compound" in self.sheet.columns:
                self.reject(result, "compound", "小区为空")
            # else: the preview asks once for the whole sheet (SheetPlan)
        elif len(compound) > TEXT_LIMITS["compound"]:
            self.reject(result, "compound", "小区名称过长")
        result.household["compound"] = compound
        for name in ("building", "unit", "room"):
            if name in self.sheet.columns:
                value = " ".join(self.text(row, name).split())
                if len(value) > TEXT_LIMITS[name]:
                    self.reject(result, name, f"内容过长（最多{TEXT_LIMITS[name]}字）")
                elif value:
                    result.household[name] = value
        self._address(result, row)
        if "household_type" in self.sheet.columns:
            raw = self.text(row, "household_type")
            if raw:
                code, kind = workbook_words.household_kind(raw, self.plan.census)
                if not kind:
                    code = lookup("household_type", raw)
                if code is None:
                    self.reject(result, "household_type", f"户别“{raw}”无法识别")
                elif code:
                    result.household["household_type"] = code

    def _address(self, result: RowResult, row: SourceRow) -> None:
        """门牌名 + 门牌号, or a whole 现住址: combined, then read for building, unit, room."""
        columns = list(self.sheet.multi.get("address", []))
        parts = [cell_text(row.values[i]) for i in columns if i < len(row.values)]
        room_typed = result.household.get("room", "")
        if columns and room_typed:
            parts.append(room_typed)  # 门牌名 + 门牌号 read as one address
        text = "".join(" ".join(p.split()) for p in parts if p)
        result.address = text or "".join(
            result.household.get(n, "") for n in ("building", "unit", "room")
        )
        if not text:
            return
        building, unit, room = workbook_words.split_address(text)
        found = {"building": building, "unit": unit, "room": room}
        if any(found.values()):
            for name, value in found.items():
                if value and name not in self.sheet.columns:
                    result.household[name] = value
            if room_typed and found["room"]:
                result.household["room"] = found["room"]
        elif len(text) <= TEXT_LIMITS["room"]:
            result.household["room"] = text
        else:
            result.household["notes"] = f"住址：{text}"

    def _codes(self, result: RowResult, row: SourceRow) -> None:
        plan = self.plan
        for name, table in CODED_FIELDS.items():
            if name not in self.sheet.columns:
                continue  # a missing relation column is asked once for the sheet (SheetPlan)
            raw = self.text(row, name)
            if not raw:
                if name == "relation":
                    self.reject(result, name, "与户主关系为空")
                continue
            approximate = False
            if name == "relation":
                code, approximate, problem = workbook_words.relation(
                    raw,
                    result.person.get("sex") or lookup("sex", self.text(row, "sex")),
                    plan.census,
                )
                if problem:
                    self.reject(result, name, problem)
                    continue
            elif name == "education":
                code, approximate = workbook_words.education(raw, plan.census)
            elif name == "category":
                code = workbook_words.category(raw)
            else:
                code = lookup(table, raw)
            if code is None:
                self.reject(result, name, f"“{raw}”不是可识别的{FIELD_LABELS[name]}")
                continue
            if approximate:
                typed = clean_text(raw)
                census_words = {
                    "relation": workbook_words.CENSUS_RELATION,
                    "education": workbook_words.CENSUS_EDUCATION,
                }.get(name, {})
                if plan.census and typed in census_words:
                    typed = f"{typed} {census_words[typed]}"
                label = (
                    header_label(self.sheet.headers[self.sheet.columns[name]]) or FIELD_LABELS[name]
                )
                self._note(result, f"{label}填写为“{typed}”")
            result.person[name] = code
        if not result.person.get("category"):
            category = plan.category
            if not category and plan.category_from == "household_type":
                kind = result.household.get("household_type")
                category = "4" if kind == "3" else "1"
            if category:
                result.defaults["category"] = category  # new people only: never re-categorise

    def _sex_and_birth(self, result: RowResult, row: SourceRow) -> None:
        from_id_sex = result.person.get("sex")
        from_id_birth: dt.date | None = result.person.get("birth_date")
        if "sex" in self.sheet.columns:
            raw = self.text(row, "sex")
            if raw:
                code = lookup("sex", raw)
                if code is None:
                    self.warn(result, "sex", f"性别“{raw}”无法识别，已按身份证号码")
                elif from_id_sex and code != from_id_sex:
                    self.warn(
                        result,
                        "sex",
                        f"填写为“{codes.name('sex', code)}”，与身份证号码"
                        f"（{codes.name('sex', from_id_sex)}）不符，已按身份证号码",
                    )
        if "birth_date" in self.sheet.columns:
            parts = date_from_cell(self.sheet.value(row, "birth_date"))
            if isinstance(parts, str):
                self.warn(result, "birth_date", f"“{parts}”不是可识别的日期，已按身份证号码")
            elif parts is not None and from_id_birth and not parts.matches(from_id_birth):
                shown = (
                    f"{parts.year}年"
                    + (f"{parts.month}月" if parts.month else "")
                    + (f"{parts.day}日" if parts.day else "")
                )
                self.warn(
                    result,
                    "birth_date",
                    f"填写为{shown}，与身份证号码"
                    f"（{from_id_birth.year}年{from_id_birth.month}月{from_id_birth.day}日）"
                    "不符，已按身份证号码",
                )
