"""One audited field: its Chinese label and how a stored value is decoded.

The shorthand constructors keep the tables in models/core/audit_fields_people.py and
models/core/audit_fields.py one line a field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    """One audited field: its label and how to show a stored value."""

    label: str
    codes: str = ""  # a table in models.core.codes (resources/code_tables.json)
    names: Mapping[str, str] | None = None  # a code list kept beside the model
    ref: str = ""  # a foreign key (or a list of them) into this audited table
    # "bool", "fen" (money in fen), "yuan", "id_number", "user", "item_code", "blob" (a file)
    kind: str = ""


def plain(label: str) -> Field:
    return Field(label)


def coded(label: str, table: str) -> Field:
    return Field(label, codes=table)


def named(label: str, names: Mapping[str, str]) -> Field:
    return Field(label, names=names)


def ref(label: str, table: str) -> Field:
    return Field(label, ref=table)


def yes_no(label: str) -> Field:
    return Field(label, kind="bool")


def fen(label: str) -> Field:
    return Field(label, kind="fen")


def user(label: str) -> Field:
    return Field(label, kind="user")


ID = plain("编号")
CREATED = plain("创建时间")
UPDATED = plain("更新时间")
ARCHIVED = yes_no("已归档")
NOTES = plain("备注")
