"""The core tables every tab shares: compounds, households, residents, users, audit log.

Codes from the national tables (see models.core.codes) are stored as short strings; names are
looked up for display. Nothing here is hard-deleted by the services: rows are archived.
"""

from __future__ import annotations

import datetime as dt

import peewee as pw

from models.core import clock
from models.core.db import database


def now() -> dt.datetime:
    # Second precision keeps audit rows readable and comparisons stable across engines.
    return clock.now()


def row_version_field() -> pw.IntegerField:
    """The version of a row clerks edit concurrently (schema v17): 1 when created, one more
    on every audited change. models.core.crud updates such a row only where the version is
    still the one the clerk's window loaded, so a second save cannot overwrite the first.
    The DEFAULT is in the schema too: bulk inserts that name no version get 1."""
    return pw.IntegerField(default=1, constraints=[pw.SQL("DEFAULT 1")])


class BaseModel(pw.Model):
    id = pw.AutoField()  # declared so that type checkers know every row has one

    class Meta:
        database = database
        legacy_table_names = False


class SchemaVersion(BaseModel):
    version = pw.IntegerField()
    applied_at = pw.DateTimeField(default=now)


class Setting(BaseModel):
    """Key/value settings that travel with the database (issuing unit, masking default…)."""

    key = pw.CharField(primary_key=True, max_length=100)
    value = pw.TextField()


class User(BaseModel):
    username = pw.CharField(unique=True, max_length=50)
    display_name = pw.CharField(max_length=50)
    role = pw.CharField(max_length=20)
    password_hash = pw.CharField(max_length=255)
    failed_attempts = pw.IntegerField(default=0)
    locked_until = pw.DateTimeField(null=True)
    active = pw.BooleanField(default=True)
    created_at = pw.DateTimeField(default=now)
    last_login_at = pw.DateTimeField(null=True)


class AuditLog(BaseModel):
    """Who did what to which record, with the values before and after (JSON text)."""

    at = pw.DateTimeField(default=now, index=True)
    username = pw.CharField(max_length=50, index=True)
    action = pw.CharField(max_length=30)
    table_name = pw.CharField(max_length=50)
    record_id = pw.CharField(max_length=50, null=True)
    before = pw.TextField(null=True)
    after = pw.TextField(null=True)
    note = pw.TextField(default="")

    class Meta:
        indexes = ((("table_name", "record_id"), False),)


class Compound(BaseModel):
    """小区: a residential compound looked after by a lead unit (牵头单位)."""

    name = pw.CharField(unique=True, max_length=100)
    lead_unit = pw.CharField(max_length=100, default="")
    address = pw.CharField(max_length=200, default="")
    notes = pw.TextField(default="")
    archived = pw.BooleanField(default=False)
    created_at = pw.DateTimeField(default=now)
    row_version = row_version_field()


class Household(BaseModel):
    """户: one household number, one address, exactly one head among its members."""

    household_no = pw.CharField(unique=True, max_length=30)
    compound = pw.ForeignKeyField(Compound, backref="households", on_delete="RESTRICT")
    building = pw.CharField(max_length=20, default="")  # 楼栋
    unit = pw.CharField(max_length=20, default="")  # 单元
    room = pw.CharField(max_length=20, default="")  # 门牌
    household_type = pw.CharField(max_length=2, default="2")  # code table household_type
    phone = pw.CharField(max_length=30, default="")
    notes = pw.TextField(default="")
    archived = pw.BooleanField(default=False, index=True)
    created_at = pw.DateTimeField(default=now)
    updated_at = pw.DateTimeField(default=now)
    row_version = row_version_field()


class Resident(BaseModel):
    """One person in the register, with the fields of domain notes §2."""

    household = pw.ForeignKeyField(Household, backref="members", null=True, on_delete="RESTRICT")
    name = pw.CharField(max_length=50, index=True)
    id_number = pw.CharField(max_length=18, unique=True, null=True)
    sex = pw.CharField(max_length=1, default="0")
    birth_date = pw.DateField(null=True, index=True)
    ethnicity = pw.CharField(max_length=2, default="01")
    relation = pw.CharField(max_length=2, default="99")  # 与户主关系, GB/T 4761
    education = pw.CharField(max_length=2, default="")
    marital_status = pw.CharField(max_length=2, default="")
    political_status = pw.CharField(max_length=2, default="")
    category = pw.CharField(max_length=2, default="1", index=True)  # 人员类别
    status = pw.CharField(max_length=12, default="current", index=True)
    phone = pw.CharField(max_length=30, default="", index=True)
    hukou_address = pw.CharField(max_length=200, default="")  # 户籍地址
    work_unit = pw.CharField(max_length=100, default="")  # 工作单位/职业
    arrived_on = pw.DateField(null=True)  # 来本地日期, for non-registered residents
    # Lower-case pinyin kept beside the name so that search can use plain indexed LIKE.
    pinyin = pw.CharField(max_length=120, default="", index=True)
    pinyin_initials = pw.CharField(max_length=20, default="", index=True)
    notes = pw.TextField(default="")
    created_at = pw.DateTimeField(default=now)
    updated_at = pw.DateTimeField(default=now)
    row_version = row_version_field()

    class Meta:
        # Members of a household in relation order: the register's default listing.
        indexes = ((("household", "relation"), False),)


class ResidentTag(BaseModel):
    """A special group a resident belongs to (低保, 残疾人 with kind and grade, …)."""

    resident = pw.ForeignKeyField(Resident, backref="tags", on_delete="RESTRICT")
    tag = pw.CharField(max_length=20, index=True)
    detail = pw.CharField(max_length=100, default="")
    start_date = pw.DateField(null=True)
    end_date = pw.DateField(null=True)
    created_at = pw.DateTimeField(default=now)

    class Meta:
        indexes = ((("resident", "tag"), False),)


class LifeEvent(BaseModel):
    """A dated change in the register: what the monthly report counts.

    kind: birth, death, move_in, move_out, category_change, household_change (moved to
    another household, head changed, split, merged), enrolled (登记入册: entered the register
    by a workbook import on this day, arrival date unknown). Corrections are new events that
    point back at the one they correct; events are never deleted.
    """

    resident = pw.ForeignKeyField(Resident, backref="events", null=True, on_delete="RESTRICT")
    household = pw.ForeignKeyField(Household, backref="events", null=True, on_delete="RESTRICT")
    kind = pw.CharField(max_length=20, index=True)
    event_date = pw.DateField(index=True)
    reason = pw.CharField(max_length=200, default="")
    # Where from / to (a place, a household number, a category code), as the kind needs.
    # Indexed: a household's history looks for the events that name its number.
    from_value = pw.CharField(max_length=200, default="", index=True)
    to_value = pw.CharField(max_length=200, default="", index=True)
    corrects = pw.ForeignKeyField("self", null=True, backref="corrections", on_delete="RESTRICT")
    voided = pw.BooleanField(default=False)  # set when a later correction replaces it
    username = pw.CharField(max_length=50)
    created_at = pw.DateTimeField(default=now)


class ReportSubmission(BaseModel):
    """A monthly report as it was sent upward (报送): every figure, the PDF, who and when.

    Never changed after it is written. A later correction (补报/更正) is a new row that points
    at the one it corrects; the newest row of a month and scope is the one in force.
    """

    serial = pw.CharField(unique=True, max_length=20)  # 2026-11-001: year-month-number
    year = pw.IntegerField()  # the reported month's year; number counts within it
    number = pw.IntegerField()
    month = pw.CharField(max_length=7, index=True)  # "2026-11"
    compound = pw.ForeignKeyField(Compound, null=True, on_delete="RESTRICT")  # None: 全社区
    scope_name = pw.CharField(max_length=100)
    kind = pw.CharField(max_length=12, default="submit")  # submit / correction
    corrects = pw.ForeignKeyField("self", null=True, backref="corrections", on_delete="RESTRICT")
    reason = pw.TextField(default="")
    figures = pw.TextField()  # models.monthly.submissions.figures_to_json
    closing = pw.IntegerField(default=0)
    # The newest life event when the figures were taken: events entered later are 补报.
    last_event_id = pw.IntegerField(default=0)
    pdf = pw.BlobField()
    pdf_sha256 = pw.CharField(max_length=64)
    username = pw.CharField(max_length=50)
    submitted_at = pw.DateTimeField(default=now)

    class Meta:
        indexes = ((("year", "number"), True), (("month", "compound"), False))


# The words the clerk's windows use for the fields of the rows that carry a row version: what
# an edit conflict (models.core.crud.edit_conflict) says was changed. Here, beside the models,
# because crud sits below the audit log's reader (models.core.audit_view imports every area,
# and so crud back). "" for what a clerk never edits (said in no message).
_ALWAYS = {"id": "", "created_at": "", "updated_at": "", "row_version": ""}
EDIT_LABELS: dict[str, dict[str, str]] = {
    "compound": {
        **_ALWAYS,
        "name": "小区名称",
        "lead_unit": "牵头单位",
        "address": "地址",
        "notes": "备注",
        "archived": "归档",
    },
    "household": {
        **_ALWAYS,
        "household_no": "户号",
        "compound": "小区",
        "building": "楼栋",
        "unit": "单元",
        "room": "门牌",
        "household_type": "户别",
        "phone": "联系电话",
        "notes": "备注",
        "archived": "注销",
    },
    "resident": {
        **_ALWAYS,
        "household": "所在户",
        "name": "姓名",
        "id_number": "公民身份号码",
        "sex": "性别",
        "birth_date": "出生日期",
        "ethnicity": "民族",
        "relation": "与户主关系",
        "education": "文化程度",
        "marital_status": "婚姻状况",
        "political_status": "政治面貌",
        "category": "人员类别",
        "status": "状态",
        "phone": "联系电话",
        "hukou_address": "户籍地址",
        "work_unit": "工作单位/职业",
        "arrived_on": "来本地日期",
        "pinyin": "",  # follows the name
        "pinyin_initials": "",
        "notes": "备注",
    },
}

CORE_MODELS: list[type[BaseModel]] = [
    SchemaVersion,
    Setting,
    User,
    AuditLog,
    Compound,
    Household,
    Resident,
    ResidentTag,
    LifeEvent,
    ReportSubmission,
]
