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

from models import codes, idcard
from models.workbook_read import (
    DateParts,
    SheetTable,
    SourceRow,
    cell_text,
    clean_text,
    column_letter,
    date_from_cell,
    id_from_cell,
)
from models.workbook_tags import TagPlan, TagValue, parse_cell

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
    "compound": "小区", "household_no": "户号", "building": "楼栋", "unit": "单元",
    "room": "门牌", "household_type": "户别", "name": "姓名", "id_number": "身份证号码",
    "sex": "性别", "birth_date": "出生日期", "ethnicity": "民族", "relation": "与户主关系",
    "education": "文化程度", "marital_status": "婚姻状况", "political_status": "政治面貌",
    "category": "人员类别", "status": "人员状态", "phone": "联系电话",
    "hukou_address": "户籍地址", "work_unit": "工作单位", "arrived_on": "来本地日期",
    "notes": "备注", "household_phone": "户电话", "household_notes": "户备注",
    "special_groups": "特殊人群",
}
TEXT_LIMITS = {"name": 50, "phone": 30, "hukou_address": 200, "work_unit": 100,
               "household_no": 30, "building": 20, "unit": 20, "room": 20, "compound": 100,
               "household_phone": 30}
HOUSEHOLD_FIELDS = ("compound", "building", "unit", "room", "household_type", "phone", "notes")
# Household columns of free text: file field -> Household field.
HOUSEHOLD_TEXT_FIELDS = {"household_phone": "phone", "household_notes": "notes"}
PERSON_TEXT_FIELDS = ("phone", "hukou_address", "work_unit", "notes")
# The same few names repeat thousands of times in a register; look each up once.
lookup = lru_cache(maxsize=8192)(codes.lookup)
# Sheet names that a spreadsheet program makes up: never taken for a compound's name.
_DEFAULT_SHEET = re.compile(r"^(sheet|工作表|表|页)\s*\d*$", re.IGNORECASE)


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
    return f"第{other.row}行" if other.sheet == row.sheet else f"工作表“{other.sheet}”第{other.row}行"


class RowParser:
    """Parses the rows of one sheet (the header decides which fields are present)."""

    def __init__(self, sheet: SheetTable, today: dt.date) -> None:
        self.sheet = sheet
        self.today = today
        self.compound_from_sheet = ""
        if "compound" not in sheet.columns:
            name = sheet.name.strip()
            if name and not _DEFAULT_SHEET.match(name):
                self.compound_from_sheet = name

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
            parts = date_from_cell(self.sheet.value(row, "arrived_on"))
            if isinstance(parts, DateParts) and parts.date() is not None:
                result.person["arrived_on"] = parts.date()
            elif parts is not None:
                shown = cell_text(self.sheet.value(row, "arrived_on"))
                self.warn(result, "arrived_on", f"“{shown}”不是完整的日期，未导入")
        return result

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
        # 王  芳: spaces typed to line names up are not part of the name; 阿依古丽·买买提 keeps its dot.
        name = re.sub(r"\s+", "", raw) if re.search(r"[\u4e00-\u9fff]", raw) else " ".join(raw.split())
        result.name = name
        if not name:
            self.reject(result, "name", "姓名为空")
        elif len(name) > TEXT_LIMITS["name"]:
            self.reject(result, "name", "姓名过长")
        else:
            result.person["name"] = name

    def _id(self, result: RowResult, row: SourceRow) -> None:
        if "id_number" not in self.sheet.columns:
            self.reject(result, "id_number", "表中没有身份证号码列")
            return
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
        if "household_no" not in self.sheet.columns:
            self.reject(result, "household_no", "表中没有户号列")
        else:
            number = clean_text(self.text(row, "household_no"))  # an identifier: Ｎ００１ is N001
            if not number:
                self.reject(result, "household_no", "户号为空")
            elif len(number) > TEXT_LIMITS["household_no"]:
                self.reject(result, "household_no", "户号过长")
            result.household_no = number
        compound = self.text(row, "compound") if "compound" in self.sheet.columns \
            else self.compound_from_sheet
        compound = " ".join(compound.split())
        if not compound:
            if "compound" in self.sheet.columns:
                self.reject(result, "compound", "小区为空")
            else:
                self.reject(result, "compound", f"表中没有“小区”列，工作表名“{self.sheet.name}”"
                            "也不像小区名称；请加一列“小区”或把工作表改名为小区名称")
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
        if "household_type" in self.sheet.columns:
            raw = self.text(row, "household_type")
            if raw:
                code = lookup("household_type", raw)
                if code is None:
                    self.reject(result, "household_type", f"户别“{raw}”无法识别")
                else:
                    result.household["household_type"] = code

    def _codes(self, result: RowResult, row: SourceRow) -> None:
        for name, table in CODED_FIELDS.items():
            if name not in self.sheet.columns:
                if name == "relation":
                    self.reject(result, name, "表中没有与户主关系列")
                continue
            raw = self.text(row, name)
            if not raw:
                if name == "relation":
                    self.reject(result, name, "与户主关系为空")
                continue
            code = lookup(table, raw)
            if code is None and name == "category":
                code = lookup(table, clean_text(raw).removesuffix("人口"))
            if code is None:
                self.reject(result, name, f"“{raw}”不是可识别的{FIELD_LABELS[name]}")
                continue
            if name == "relation" and code == "01":
                code = HEAD  # "本人" in a register's relation column is the head himself
            result.person[name] = code

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
                    self.warn(result, "sex", f"填写为“{codes.name('sex', code)}”，与身份证号码"
                              f"（{codes.name('sex', from_id_sex)}）不符，已按身份证号码")
        if "birth_date" in self.sheet.columns:
            parts = date_from_cell(self.sheet.value(row, "birth_date"))
            if isinstance(parts, str):
                self.warn(result, "birth_date", f"“{parts}”不是可识别的日期，已按身份证号码")
            elif parts is not None and from_id_birth and not parts.matches(from_id_birth):
                shown = f"{parts.year}年" + (f"{parts.month}月" if parts.month else "") + (
                    f"{parts.day}日" if parts.day else "")
                self.warn(result, "birth_date", f"填写为{shown}，与身份证号码"
                          f"（{from_id_birth.year}年{from_id_birth.month}月{from_id_birth.day}日）"
                          "不符，已按身份证号码")
