"""The audit log as the 主任 reads it: Chinese labels, decoded codes, people and households by name.

``FIELDS`` maps every audited table to its fields: the Chinese label and how a stored value is
decoded (a code table in models.core.codes, a code list kept beside the model, a foreign key to
another audited table, a yes/no, money in fen, an ID number to mask). ``readable`` turns a page
of AuditLog rows into ``Entry`` rows with a few batched queries per page, never one per row.
``search``, the ``*_choices`` and ``export_workbook`` are the services the window calls; all
require the right to read the log. ID numbers are always shown masked here, whatever the
reader's role (also where a clerk typed one into a note): the log is not a way round the
logged reveal. tests/test_audit_view.py walks the audited models so that a new column cannot
reach the log without a Chinese label.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import peewee as pw

from models.casework.entities import (
    APPLICATION_STATUSES,
    CASE_TYPE_SHORT,
    CASE_TYPES,
    CHILD_ORIGINS,
    FOLLOW_UP_WAYS,
    REMINDER_STATUSES,
    REWARD_CATEGORIES,
    SPECIAL_CATEGORIES,
    STATUSES,
    Case,
    CaseChild,
    CaseRate,
    CaseStatusChange,
    FollowUp,
    MaternalReminder,
)
from models.casework.rates import RATE_KINDS
from models.casework.rules import VISITS
from models.certificates.service import Certificate, CertificateKind
from models.core import audit, clock, codes, idcard, settings
from models.core.db import database
from models.core.entities import (
    AuditLog,
    BaseModel,
    Compound,
    Household,
    LifeEvent,
    ReportSubmission,
    Resident,
    ResidentTag,
    User,
)
from models.core.errors import UserFacingError
from models.core.permissions import ROLE_NAMES_EVER, HasRole, Perm
from models.core.service import service
from models.events.entities import (
    EVENT_TYPES,
    Event,
    EventAttendee,
    EventBudgetLine,
    EventPhoto,
    EventPublicity,
    EventStaff,
    EventTask,
    EventTemplate,
)
from models.events.entities import STATUS_NAMES as EVENT_STATUSES
from models.facilities.entities import (
    CONDITION_NAMES,
    HAZARD_NAMES,
    KIND_NAMES,
    PHOTO_PURPOSES,
    FacilityCentre,
    FacilityEquipment,
    FacilityFinding,
    FacilityInspection,
    FacilityPhoto,
    FacilitySpace,
    FacilityStandard,
    FacilityStandardItem,
)
from models.facilities.entities import STATUS_NAMES as SPACE_STATUSES
from models.fill.entities import FillRun, FillTemplate, SavedList
from models.registry.life_events import KINDS as LIFE_EVENT_KINDS
from models.registry.residents import HEAD, describe_tag
from models.registry.workbook.export import FORMULA_STARTS, text_cell

PAGE_SIZE = 200  # rows fetched at a time; the window asks for the next page on scrolling
EMPTY = "（空）"
SYSTEM_USERS = {"system": "系统"}


# -- what each field means --------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """One audited field: its label and how to show a stored value."""

    label: str
    codes: str = ""  # a table in models.core.codes (resources/code_tables.json)
    names: Mapping[str, str] | None = None  # a code list kept beside the model
    ref: str = ""  # a foreign key (or a list of them) into this audited table
    # "bool", "fen" (money in fen), "yuan", "id_number", "user", "item_code", "blob" (a file)
    kind: str = ""


def _f(label: str) -> Field:
    return Field(label)


def _c(label: str, table: str) -> Field:
    return Field(label, codes=table)


def _n(label: str, names: Mapping[str, str]) -> Field:
    return Field(label, names=names)


def _r(label: str, table: str) -> Field:
    return Field(label, ref=table)


def _b(label: str) -> Field:
    return Field(label, kind="bool")


def _fen(label: str) -> Field:
    return Field(label, kind="fen")


def _u(label: str) -> Field:
    return Field(label, kind="user")


_ID = _f("编号")
_CREATED = _f("创建时间")
_UPDATED = _f("更新时间")
_ARCHIVED = _b("已归档")
_NOTES = _f("备注")

FIELDS: dict[str, dict[str, Field]] = {
    "user": {
        "id": _ID,
        "username": _f("用户名"),
        "display_name": _f("姓名"),
        "role": _n("角色", ROLE_NAMES_EVER),
        "password_hash": _f("密码"),
        "failed_attempts": _f("连续输错密码次数"),
        "locked_until": _f("锁定至"),
        "active": _b("启用"),
        "created_at": _CREATED,
        "last_login_at": _f("最近登录时间"),
    },
    # Settings are audited as {key: value}: the keys are the fields.
    "setting": {
        "key": _f("设置项"),
        "value": _f("设置值"),
        # Labels and choice names as the settings dialog shows them (models.core.settings.SPECS).
        **{
            s.key: (
                _b(s.label)
                if s.kind == "bool"
                else _n(s.label, dict(s.choices))
                if s.kind == "choice"
                else _f(s.label)
            )
            for s in settings.SPECS
        },
    },
    "compound": {
        "id": _ID,
        "name": _f("小区名称"),
        "lead_unit": _f("牵头单位"),
        "address": _f("地址"),
        "notes": _NOTES,
        "archived": _ARCHIVED,
        "created_at": _CREATED,
    },
    "household": {
        "id": _ID,
        "household_no": _f("户号"),
        "compound": _r("小区", "compound"),
        "building": _f("楼栋"),
        "unit": _f("单元"),
        "room": _f("门牌"),
        "household_type": _c("户别", "household_type"),
        "phone": _f("户电话"),
        "notes": _NOTES,
        "archived": _ARCHIVED,
        "created_at": _CREATED,
        "updated_at": _UPDATED,
    },
    "resident": {
        "id": _ID,
        "household": _r("所在户", "household"),
        "name": _f("姓名"),
        "id_number": Field("公民身份号码", kind="id_number"),
        "sex": _c("性别", "sex"),
        "birth_date": _f("出生日期"),
        "ethnicity": _c("民族", "ethnicity"),
        "relation": _c("与户主关系", "relation"),
        "education": _c("文化程度", "education"),
        "marital_status": _c("婚姻状况", "marital_status"),
        "political_status": _c("政治面貌", "political_status"),
        "category": _c("人员类别", "category"),
        "status": _c("人员状态", "resident_status"),
        "phone": _f("联系电话"),
        "hukou_address": _f("户籍地址"),
        "work_unit": _f("工作单位"),
        "arrived_on": _f("来本地日期"),
        "pinyin": _f("姓名拼音"),
        "pinyin_initials": _f("姓名拼音首字母"),
        "notes": _NOTES,
        "created_at": _CREATED,
        "updated_at": _UPDATED,
    },
    "resident_tag": {
        "id": _ID,
        "resident": _r("居民", "resident"),
        "tag": _c("特殊人群", "special_group"),
        "detail": _f("详情"),
        "start_date": _f("开始日期"),
        "end_date": _f("结束日期"),
        "created_at": _CREATED,
    },
    "life_event": {
        "id": _ID,
        "resident": _r("居民", "resident"),
        "household": _r("户", "household"),
        "kind": _n("变动类型", LIFE_EVENT_KINDS),
        "event_date": _f("变动日期"),
        "reason": _f("原因"),
        "from_value": _f("变动前（迁出地、原户、原类别）"),
        "to_value": _f("变动后（迁入地、新户、新类别）"),
        "corrects": _r("更正的变动记录", "life_event"),
        "voided": _b("已撤销"),
        "username": _u("登记人"),
        "created_at": _CREATED,
    },
    "casework_case": {
        "id": _ID,
        "case_no": _f("个案编号"),
        "case_type": _n("个案类型", CASE_TYPES),
        "status": _n("办理状态", STATUSES),
        "opened_on": _f("登记日期"),
        "closed_on": _f("结束日期"),
        "mother": _r("母亲", "resident"),
        "father": _r("父亲", "resident"),
        "child": _r("子女", "resident"),
        "person": _r("服务对象", "resident"),
        "subject": _f("事由"),
        "marriage_date": _f("结婚日期"),
        "expected_date": _f("预产期"),
        "birth_date": _f("子女出生日期"),
        "discharge_date": _f("出院日期"),
        "child_name": _f("子女姓名"),
        "birth_order": _f("孩次"),
        "suggested_order": _f("按规则核算的孩次"),
        "order_reason": _f("孩次不同的原因"),
        "application_status": _n("申请状态", APPLICATION_STATUSES),
        "applied_on": _f("申请日期"),
        "paid_fen": _fen("已发放金额"),
        "last_paid_on": _f("最近发放日期"),
        "category": _n("扶助类别", {**SPECIAL_CATEGORIES, **REWARD_CATEGORIES}),
        "start_date": _f("享受起始日期"),
        "end_date": _f("享受截止日期"),
        "notes": _NOTES,
        "created_by": _u("登记人"),
        "created_at": _CREATED,
        "updated_at": _UPDATED,
    },
    "casework_child": {
        "id": _ID,
        "case": _r("个案", "casework_case"),
        "resident": _r("居民", "resident"),
        "name": _f("姓名"),
        "sex": _c("性别", "sex"),
        "birth_date": _f("出生日期"),
        "origin": _n("子女来源", CHILD_ORIGINS),
        "deceased": _b("已死亡"),
        "note": _NOTES,
    },
    "casework_status_change": {
        "id": _ID,
        "case": _r("个案", "casework_case"),
        "from_status": _n("原状态", STATUSES),
        "to_status": _n("新状态", STATUSES),
        "on_date": _f("日期"),
        "reason": _f("原因"),
        "username": _u("经办人"),
        "created_at": _CREATED,
    },
    "casework_follow_up": {
        "id": _ID,
        "case": _r("个案", "casework_case"),
        "on_date": _f("随访日期"),
        "way": _n("随访方式", FOLLOW_UP_WAYS),
        "note": _f("随访情况"),
        "next_date": _f("下次随访日期"),
        "username": _u("随访人"),
        "created_at": _CREATED,
    },
    "casework_reminder": {
        "id": _ID,
        "case": _r("个案", "casework_case"),
        "visit": _n("检查项目", VISITS),
        "window_start": _f("提醒起始日期"),
        "window_end": _f("提醒截止日期"),
        "status": _n("提醒状态", REMINDER_STATUSES),
        "status_on": _f("状态日期"),
        "username": _u("经办人"),
        "updated_at": _UPDATED,
    },
    "casework_rate": {
        "id": _ID,
        "kind": _n("标准类别", RATE_KINDS),
        "start_date": _f("执行起始日期"),
        "monthly_fen": _fen("每月金额"),
        "note": _f("说明"),
        "voided": _b("已作废"),
        "void_reason": _f("作废原因"),
        "username": _u("录入人"),
        "created_at": _CREATED,
    },
    "event": {
        "id": _ID,
        "title": _f("活动主题"),
        "event_type": _n("活动类型", EVENT_TYPES),
        "compound": _r("小区", "compound"),
        "event_date": _f("活动日期"),
        "start_time": _f("开始时间"),
        "end_time": _f("结束时间"),
        "place": _f("活动地点"),
        "audience": _f("活动对象"),
        "expected_count": _f("预计人数"),
        "purpose": _f("活动目的"),
        "content": _f("活动内容"),
        "running_order": _f("活动流程"),
        "publicity_plan": _f("宣传安排"),
        "rules": _f("现场要求"),
        "safety_plan": _f("安全与应急预案"),
        "cleanup": _f("清理与收尾"),
        "status": _n("活动状态", EVENT_STATUSES),
        "cancel_reason": _f("取消原因"),
        "head_count": _f("实到人数"),
        "summary": _f("活动总结"),
        "brief_year": _f("简报年度"),
        "brief_no": _f("简报期号"),
        "brief_date": _f("简报日期"),
        "brief_to": _f("简报报送"),
        "brief_cc": _f("简报抄送"),
        "brief_copies": _f("简报印发份数"),
        "template_key": _f("所用模板"),
        "created_by": _u("创建人"),
        "created_at": _CREATED,
        "updated_at": _UPDATED,
    },
    "event_staff": {
        "id": _ID,
        "event": _r("活动", "event"),
        "role": _f("职责"),
        "name": _f("姓名"),
        "phone": _f("联系电话"),
        "sort": _f("排序"),
        "archived": _ARCHIVED,
    },
    "event_budget_line": {
        "id": _ID,
        "event": _r("活动", "event"),
        "item": _f("物品或项目"),
        "quantity": _f("数量"),
        "budget_fen": _fen("预算金额"),
        "actual_fen": _fen("实际支出"),
        "note": _NOTES,
        "sort": _f("排序"),
        "archived": _ARCHIVED,
    },
    "event_task": {
        "id": _ID,
        "event": _r("活动", "event"),
        "title": _f("准备事项"),
        "owner": _f("负责人"),
        "due_date": _f("完成期限"),
        "done": _b("已完成"),
        "done_by": _u("完成登记人"),
        "done_at": _f("完成时间"),
        "sort": _f("排序"),
        "archived": _ARCHIVED,
    },
    "event_publicity": {
        "id": _ID,
        "event": _r("活动", "event"),
        "channel": _f("宣传渠道"),
        "posted_on": _f("发布日期"),
        "content": _f("宣传内容"),
        "username": _u("登记人"),
        "created_at": _CREATED,
        "archived": _ARCHIVED,
    },
    "event_attendee": {
        "id": _ID,
        "event": _r("活动", "event"),
        "resident": _r("居民", "resident"),
        "name": _f("姓名"),
        "invited": _b("已邀请"),
        "signed_in": _b("已签到"),
        "signed_at": _f("签到时间"),
        "follow_up": _f("缺席跟进"),
        "archived": _ARCHIVED,
    },
    "event_photo": {
        "id": _ID,
        "event": _r("活动", "event"),
        "path": _f("文件"),
        "original_name": _f("原文件名"),
        "caption": _f("照片说明"),
        "in_brief": _b("用于简报"),
        "sort": _f("排序"),
        "added_by": _u("添加人"),
        "added_at": _f("添加时间"),
        "archived": _ARCHIVED,
    },
    "event_template": {
        "id": _ID,
        "name": _f("模板名称"),
        "event_type": _n("活动类型", EVENT_TYPES),
        "data": _f("模板内容"),
        "created_by": _u("创建人"),
        "created_at": _CREATED,
        "archived": _ARCHIVED,
    },
    "facility_standard": {
        "id": _ID,
        "name": _f("标准名称"),
        "region": _f("适用地区"),
        "source": _f("依据文件"),
        "per_100_households": _f("每百户用房面积（平方米）"),
        "min_total_area": _f("最小总面积（平方米）"),
        "resident_share": _f("居民活动用房比例"),
        "notes": _NOTES,
        "active": _b("启用中"),
        "archived": _ARCHIVED,
        "created_at": _CREATED,
        "updated_at": _UPDATED,
        # Written beside the columns by facilities_standard:
        "items": _f("标准项目"),
        "previous_active": _r("原启用的标准", "facility_standard"),
    },
    "facility_standard_item": {
        "id": _ID,
        "standard": _r("所属标准", "facility_standard"),
        "code": _f("项目代码"),
        "kind": _n("类别", KIND_NAMES),
        "name": _f("项目名称"),
        "min_area": _f("最小面积（平方米）"),
        "equipment": _f("应配设备"),
        "resident_use": _b("计入居民活动用房"),
        "sort_order": _f("排序"),
        "notes": _NOTES,
        "archived": _ARCHIVED,
        "created_at": _CREATED,
        "updated_at": _UPDATED,
    },
    "facility_centre": {
        "id": _ID,
        "name": _f("服务中心名称"),
        "address": _f("地址"),
        "compounds": _r("服务的小区", "compound"),
        "notes": _NOTES,
        "archived": _ARCHIVED,
        "created_at": _CREATED,
        "updated_at": _UPDATED,
    },
    "facility_space": {
        "id": _ID,
        "centre": _r("服务中心", "facility_centre"),
        "item_code": Field("对应标准项目", kind="item_code"),
        "name": _f("用房名称"),
        "status": _n("现状", SPACE_STATUSES),
        "area": _f("面积（平方米）"),
        "location": _f("位置"),
        "shared_with": _f("共用用途"),
        "resident_use": _b("计入居民活动用房"),
        "outdoor": _b("室外场地"),
        "notes": _NOTES,
        "archived": _ARCHIVED,
        "created_at": _CREATED,
        "updated_at": _UPDATED,
    },
    "facility_equipment": {
        "id": _ID,
        "space": _r("所在用房", "facility_space"),
        "name": _f("设备名称"),
        "quantity": _f("数量"),
        "condition": _n("状况", CONDITION_NAMES),
        "asset_tag": _f("资产编号"),
        "purchase_date": _f("购置日期"),
        "value": Field("价值", kind="yuan"),
        "notes": _NOTES,
        "archived": _b("已注销"),
        "created_at": _CREATED,
        "updated_at": _UPDATED,
    },
    "facility_inspection": {
        "id": _ID,
        "centre": _r("服务中心", "facility_centre"),
        "inspected_on": _f("检查日期"),
        "inspector": _f("检查人"),
        "notes": _NOTES,
        "voided": _b("已作废"),
        "username": _u("登记人"),
        "created_at": _CREATED,
    },
    "facility_finding": {
        "id": _ID,
        "inspection": _r("所属检查", "facility_inspection"),
        "space": _r("用房", "facility_space"),
        "description": _f("发现情况"),
        "is_hazard": _b("安全隐患"),
        "category": _n("隐患类别", HAZARD_NAMES),
        "deadline": _f("整改期限"),
        "responsible": _f("整改责任人"),
        "fixed_on": _f("整改完成日期"),
        "fix_notes": _f("整改情况"),
        "fixed_by": _u("整改登记人"),
        "voided": _b("已作废"),
        "void_reason": _f("作废原因"),
        "created_at": _CREATED,
    },
    "facility_photo": {
        "id": _ID,
        "space": _r("用房", "facility_space"),
        "finding": _r("检查发现", "facility_finding"),
        "purpose": _n("照片用途", PHOTO_PURPOSES),
        "path": _f("文件"),
        "caption": _f("照片说明"),
        "taken_on": _f("拍摄日期"),
        "archived": _ARCHIVED,
        "created_at": _CREATED,
    },
    "certificate_kind": {
        "id": _ID,
        "name": _f("证明名称"),
        "body": _f("证明正文"),
        "legal_basis": _f("法律依据"),
        "enabled": _b("启用"),
        "created_at": _CREATED,
        "updated_at": _UPDATED,
    },
    "certificate": {
        "id": _ID,
        "serial": _f("证明编号"),
        "year": _f("年度"),
        "number": _f("年度序号"),
        "kind": _r("证明种类", "certificate_kind"),
        "kind_name": _f("证明名称"),
        "resident": _r("居民", "resident"),
        "resident_name": _f("居民姓名"),
        "purpose": _f("用途"),
        "body": _f("证明正文"),
        "issuing_unit": _f("出具单位"),
        "full_id": _b("打印完整身份证号"),
        "id_reason": _f("打印完整身份证号的理由"),
        "issued_by": _u("开具人"),
        "issued_on": _f("开具日期"),
        "issued_at": _f("开具时间"),
        "voided": _b("已作废"),
        "void_reason": _f("作废原因"),
    },
    "report_submission": {
        "id": _ID,
        "serial": _f("报送编号"),
        "year": _f("年度"),
        "number": _f("年度序号"),
        "month": _f("报表月份"),
        "compound": _r("范围（小区）", "compound"),
        "scope_name": _f("报表范围"),
        "kind": _n("报送类别", {"submit": "报送", "correction": "更正"}),
        "corrects": _r("更正的报送", "report_submission"),
        "reason": _f("更正原因"),
        "figures": _f("报表数字"),
        "closing": _f("月末人口"),
        "last_event_id": _f("取数时最后一条人口变动"),
        "pdf": Field("报表文件", kind="blob"),
        "pdf_sha256": _f("报表文件校验码"),
        "username": _u("报送人"),
        "submitted_at": _f("报送时间"),
        # Written beside the columns by models/monthly/submissions.py:
        "scope": _f("报表范围"),
    },
    "saved_list": {
        "id": _ID,
        "name": _f("名单名称"),
        "criteria": _f("筛选条件"),
        "notes": _f("说明"),
        "starter": _b("程序预置"),
        "archived": _b("已停用"),
        "created_by": _u("创建人"),
        "created_at": _f("创建时间"),
        "updated_at": _f("修改时间"),
    },
    "fill_template": {
        "id": _ID,
        "name": _f("模板名称"),
        "department": _f("部门"),
        "filename": _f("模板文件名"),
        "source": Field("模板文件", kind="blob"),
        "source_sha256": _f("模板文件校验码"),
        "sheet": _f("工作表"),
        "layout": _f("表头位置"),
        "mapping": _f("列对应"),
        "saved_list": _r("名单", "saved_list"),
        "sort": _f("排序"),
        "date_rule": _f("日期规则"),
        "starter": _b("程序预置"),
        "archived": _b("已停用"),
        "created_by": _u("创建人"),
        "created_at": _f("创建时间"),
        "updated_at": _f("修改时间"),
        # Written beside the columns by models/fill/templates.py for each fill:
        "run": _f("生成记录"),
        "rows": _f("行数"),
        "full_ids": _b("含完整身份证号码"),
        "as_of": _f("计算日期"),
        "recipient": _f("报送对象"),
        "file": _f("生成的文件"),
        "sha256": _f("文件校验码"),
    },
    "fill_run": {
        "id": _ID,
        "template": _r("模板", "fill_template"),
        "as_of": _f("计算日期"),
        "rows": _f("行数"),
        "full_ids": _b("含完整身份证号码"),
        "recipient": _f("报送对象"),
        "filename": _f("文件名"),
        "output": Field("生成的文件", kind="blob"),
        "output_sha256": _f("文件校验码"),
        "username": _u("生成人"),
        "made_at": _f("生成时间"),
        # Written beside the columns when a sent file is saved again:
        "file": _f("另存的文件"),
    },
    # Not a table: a monthly report printed (record id: the month).
    "monthly_report": {
        "month": _f("报表月份"),
        "scope": _f("报表范围"),
        "closing": _f("月末人口"),
        "opening_from": _f("月初人口取自报送"),
    },
    # Not tables: what a restore and an export of this log write.
    "database": {
        "backup": _f("备份文件"),
        "created_at": _f("备份时间"),
        "counts": _f("记录数"),
        "files": _f("附件数"),
        "kept_aside": _f("原数据库另存为"),
    },
    "audit_log": {"file": _f("文件"), "rows": _f("导出条数"), "filters": _f("筛选条件")},
}

# What imports, exports, printouts and the demo write instead of a row's fields.
SUMMARY_FIELDS: dict[str, Field] = {
    "file": _f("文件"),
    "compounds": _f("小区数"),
    "households": _f("户数"),
    "households_updated": _f("更新的户数"),
    "residents": _f("人数"),
    "residents_updated": _f("更新的人数"),
    "tags_added": _f("新增特殊人群"),
    "tags_changed": _f("变更特殊人群"),
    "tags_ended": _f("结束特殊人群"),
    "rejected": _f("未导入的行数"),
    "seed": _f("随机种子"),
    "as_of": _f("基准日期"),
    "printout": _f("打印内容"),
    "people": _f("人数"),
    "full_ids": _b("含完整身份证号"),
    "cases": _f("个案数"),
    "follow_ups": _f("随访数"),
    "events": _f("人口变动记录数"),
}

# Settings whose key carries a name (models/registry/workbook/layouts.py: "import_layout:<header sig>").
SETTING_PREFIXES: dict[str, Field] = {"import_layout:": _f("记住的花名册格式")}


def field_spec(table_name: str, name: str) -> Field | None:
    spec = FIELDS.get(table_name, {}).get(name)
    if spec is None and table_name == "setting":
        spec = next((f for p, f in SETTING_PREFIXES.items() if name.startswith(p)), None)
    return spec if spec is not None else SUMMARY_FIELDS.get(name)


def field_label(table_name: str, name: str) -> str:
    spec = field_spec(table_name, name)
    return spec.label if spec is not None else name


def action_name(action: str) -> str:
    return audit.ACTION_NAMES.get(action, action)


def table_label(table_name: str) -> str:
    return audit.TABLE_NAMES.get(table_name, table_name)


# -- looking records up in batches ------------------------------------------------------------

Row = dict[str, Any]


def _date(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value or "")


def _who(row: Row | None, lookup: Lookup, key: str) -> str:
    """The description of the resident *row[key]* points at, or ""."""
    if not row or row.get(key) is None:
        return ""
    return lookup.describe("resident", row[key])


@dataclass(frozen=True)
class _Source:
    model: type[BaseModel]
    columns: tuple[str, ...]
    deps: tuple[tuple[str, str], ...] = ()  # (column, table it points at)


_SOURCES: dict[str, _Source] = {
    "user": _Source(User, ("username", "display_name")),
    "compound": _Source(Compound, ("name",)),
    "household": _Source(
        Household,
        ("household_no", "compound", "building", "unit", "room"),
        (("compound", "compound"),),
    ),
    "resident": _Source(Resident, ("name", "id_number")),
    "resident_tag": _Source(
        ResidentTag, ("resident", "tag", "detail"), (("resident", "resident"),)
    ),
    "life_event": _Source(
        LifeEvent,
        ("resident", "household", "kind", "event_date"),
        (("resident", "resident"), ("household", "household")),
    ),
    "casework_case": _Source(
        Case,
        ("case_no", "case_type", "mother", "father", "child", "person", "child_name"),
        (
            ("mother", "resident"),
            ("father", "resident"),
            ("child", "resident"),
            ("person", "resident"),
        ),
    ),
    "casework_child": _Source(CaseChild, ("case", "name"), (("case", "casework_case"),)),
    "casework_status_change": _Source(
        CaseStatusChange, ("case", "to_status", "on_date"), (("case", "casework_case"),)
    ),
    "casework_follow_up": _Source(FollowUp, ("case", "on_date"), (("case", "casework_case"),)),
    "casework_reminder": _Source(MaternalReminder, ("case", "visit"), (("case", "casework_case"),)),
    "casework_rate": _Source(CaseRate, ("kind", "start_date")),
    "event": _Source(Event, ("title", "event_date")),
    "event_staff": _Source(EventStaff, ("event", "role", "name"), (("event", "event"),)),
    "event_budget_line": _Source(EventBudgetLine, ("event", "item"), (("event", "event"),)),
    "event_task": _Source(EventTask, ("event", "title"), (("event", "event"),)),
    "event_publicity": _Source(
        EventPublicity, ("event", "channel", "posted_on"), (("event", "event"),)
    ),
    "event_attendee": _Source(
        EventAttendee, ("event", "resident", "name"), (("event", "event"), ("resident", "resident"))
    ),
    "event_photo": _Source(
        EventPhoto, ("event", "caption", "original_name"), (("event", "event"),)
    ),
    "event_template": _Source(EventTemplate, ("name",)),
    "facility_standard": _Source(FacilityStandard, ("name",)),
    "facility_standard_item": _Source(
        FacilityStandardItem, ("standard", "name"), (("standard", "facility_standard"),)
    ),
    "facility_centre": _Source(FacilityCentre, ("name",)),
    "facility_space": _Source(FacilitySpace, ("centre", "name"), (("centre", "facility_centre"),)),
    "facility_equipment": _Source(
        FacilityEquipment, ("space", "name"), (("space", "facility_space"),)
    ),
    "facility_inspection": _Source(
        FacilityInspection, ("centre", "inspected_on"), (("centre", "facility_centre"),)
    ),
    "facility_finding": _Source(
        FacilityFinding, ("inspection", "description"), (("inspection", "facility_inspection"),)
    ),
    "facility_photo": _Source(
        FacilityPhoto,
        ("space", "finding", "purpose", "caption"),
        (("space", "facility_space"), ("finding", "facility_finding")),
    ),
    "certificate_kind": _Source(CertificateKind, ("name",)),
    "report_submission": _Source(ReportSubmission, ("serial", "month", "scope_name")),
    "saved_list": _Source(SavedList, ("name",)),
    "fill_template": _Source(FillTemplate, ("name", "department")),
    "fill_run": _Source(FillRun, ("template", "made_at"), (("template", "fill_template"),)),
    "certificate": _Source(
        Certificate,
        ("serial", "kind_name", "resident", "resident_name"),
        (("resident", "resident"),),
    ),
}

_CHUNK = 500  # ids per IN (...): well under SQLite's limit on bound variables


def _short(text: str, width: int = 30) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


class Lookup:
    """Rows of the audited tables, fetched in batches: ``want`` ids, ``load``, ``describe``."""

    def __init__(self) -> None:
        self.rows: dict[str, dict[int, Row]] = defaultdict(dict)
        self.heads: dict[int, str] = {}  # household id -> its head's name (户主), "" if none
        self._wanted: dict[str, set[int]] = defaultdict(set)
        self._users: dict[str, str] | None = None
        self._items: dict[str, str] | None = None
        self.queries = 0

    def want(self, table: str, value: Any) -> None:
        if table not in _SOURCES:
            return
        for item in _ids(value):
            if item not in self.rows[table]:
                self._wanted[table].add(item)

    def load(self) -> None:
        """Fetch everything wanted, then what those rows point at, until nothing is missing."""
        while any(self._wanted.values()):
            pending = {t: ids for t, ids in self._wanted.items() if ids}
            self._wanted = defaultdict(set)
            for table, ids in pending.items():
                source = _SOURCES[table]
                model = source.model
                columns = [model._meta.fields["id"]] + [
                    model._meta.fields[c] for c in source.columns
                ]
                ordered = sorted(ids)
                for start in range(0, len(ordered), _CHUNK):
                    chunk = ordered[start : start + _CHUNK]
                    query = model.select(*columns).where(model._meta.fields["id"].in_(chunk))
                    self.queries += 1
                    for found in cast(Iterable[Row], query.dicts()):
                        self.rows[table][int(found["id"])] = found
                for item in ids:  # a row that is gone is looked for once only
                    self.rows[table].setdefault(item, {})
                for row in (self.rows[table][i] for i in ids):
                    for column, target in source.deps:
                        if row.get(column) is not None:
                            self.want(target, row[column])
        self._load_heads()

    def _load_heads(self) -> None:
        """A household is known by its head: 户号 0012 张秀户 reads better than the number."""
        missing = sorted(i for i in self.rows["household"] if i not in self.heads)
        for start in range(0, len(missing), _CHUNK):
            chunk = missing[start : start + _CHUNK]
            for item in chunk:
                self.heads[item] = ""
            self.queries += 1
            query = cast(
                Iterable[tuple[int, str, str]],
                (
                    Resident.select(Resident.household, Resident.name, Resident.status)
                    .where(Resident.household.in_(chunk) & (Resident.relation == HEAD))
                    .order_by(Resident.id)
                    .tuples()
                ),
            )
            for household, name, status in query:
                # The current head wins over one who moved out or died.
                if not self.heads[household] or status == "current":
                    self.heads[household] = name

    def item_name(self, code: str) -> str:
        """The name of a facility standard item by its code (the active standard's first)."""
        if self._items is None:
            self.queries += 1
            query = (
                FacilityStandardItem.select(FacilityStandardItem.code, FacilityStandardItem.name)
                .join(FacilityStandard)
                .order_by(FacilityStandard.active, FacilityStandardItem.id)
                .tuples()
            )
            # Later rows win: the active standard comes last.
            self._items = dict(cast(Iterable[tuple[str, str]], query))
        return self._items.get(code, code)

    def user(self, username: str | None) -> str:
        """李晓梅（clerk）: the display name beside the login name."""
        if not username:
            return ""
        if self._users is None:
            self.queries += 1
            self._users = {
                u.username: u.display_name for u in User.select(User.username, User.display_name)
            }
        name = self._users.get(username) or SYSTEM_USERS.get(username, "")
        return f"{name}（{username}）" if name and name != username else username

    def describe(self, table: str, value: Any) -> str:
        """A record as a person reads it; "居民 #25" when it cannot be found."""
        try:
            key = int(value)
        except (TypeError, ValueError):
            return str(value)
        row = self.rows.get(table, {}).get(key)
        if not row:
            return f"{table_label(table)} #{key}"
        return _DESCRIBE[table](row, self) if table in _DESCRIBE else f"{table_label(table)} #{key}"


def _ids(value: Any) -> list[int]:
    """Ids from a stored value: 25, "25", [1, 2] or the JSON text "[1, 2]"."""
    if isinstance(value, str) and value.strip().startswith("["):
        try:
            value = json.loads(value)
        except ValueError:
            return []
    items = value if isinstance(value, list) else [value]
    out: list[int] = []
    for item in items:
        if isinstance(item, bool):
            continue
        try:
            out.append(int(item))
        except (TypeError, ValueError):
            continue
    return out


def _resident(row: Row, lookup: Lookup) -> str:
    masked = idcard.mask(row.get("id_number"))
    return f"{row['name']}（{masked}）" if masked else str(row["name"])


def _household(row: Row, lookup: Lookup) -> str:
    compound = lookup.rows["compound"].get(row.get("compound") or 0) or {}
    address = "".join(
        str(p or "")
        for p in (compound.get("name"), row.get("building"), row.get("unit"), row.get("room"))
    )
    head = lookup.heads.get(int(row["id"]), "")
    text = f"户号 {row['household_no']}" + (f" {head}户" if head else "")
    return f"{text}（{address}）" if address else text


def _case(row: Row, lookup: Lookup) -> str:
    names: list[str] = []
    for key in ("mother", "person", "father", "child"):
        who = _who(row, lookup, key)
        if who and who not in names:
            names.append(who)
    if not names and row.get("child_name"):
        names.append(str(row["child_name"]))
    kind = CASE_TYPE_SHORT.get(row.get("case_type") or "", row.get("case_type") or "")
    people = f"（{'、'.join(names)}）" if names else ""
    return f"{row['case_no']} {kind}{people}"


def _under(table: str, key: str, tail: Callable[[Row], str]) -> Callable[[Row, Lookup], str]:
    """A child row: its parent's description, then its own words."""

    def describe(row: Row, lookup: Lookup) -> str:
        parent = lookup.describe(table, row[key]) if row.get(key) is not None else ""
        own = tail(row)
        return f"{parent} · {own}" if parent and own else parent or own

    return describe


def _life_event(row: Row, lookup: Lookup) -> str:
    who = _who(row, lookup, "resident")
    if not who and row.get("household") is not None:
        who = lookup.describe("household", row["household"])
    kind = LIFE_EVENT_KINDS.get(row.get("kind") or "", row.get("kind") or "")
    return f"{who} · {kind} {_date(row.get('event_date'))}".strip(" ·")


_DESCRIBE: dict[str, Callable[[Row, Lookup], str]] = {
    "user": lambda r, lk: (
        f"{r['display_name']}（{r['username']}）" if r.get("display_name") else str(r["username"])
    ),
    "compound": lambda r, lk: str(r["name"]),
    "household": _household,
    "resident": _resident,
    "resident_tag": lambda r, lk: " · ".join(
        p for p in (_who(r, lk, "resident"), describe_tag(r["tag"], r.get("detail") or "")) if p
    ),
    "life_event": _life_event,
    "casework_case": _case,
    "casework_child": _under("casework_case", "case", lambda r: f"子女 {r['name']}"),
    "casework_status_change": _under(
        "casework_case",
        "case",
        lambda r: f"{STATUSES.get(r['to_status'], r['to_status'])} {_date(r['on_date'])}",
    ),
    "casework_follow_up": _under("casework_case", "case", lambda r: f"随访 {_date(r['on_date'])}"),
    "casework_reminder": _under(
        "casework_case", "case", lambda r: str(VISITS.get(r["visit"], r["visit"]))
    ),
    "casework_rate": lambda r, lk: (
        f"{RATE_KINDS.get(r['kind'], r['kind'])}（{_date(r['start_date'])}起）"
    ),
    "event": lambda r, lk: f"{r['title']}（{_date(r['event_date'])}）",
    "event_staff": _under(
        "event", "event", lambda r: " ".join(p for p in (r.get("role"), r.get("name")) if p)
    ),
    "event_budget_line": _under("event", "event", lambda r: str(r["item"])),
    "event_task": _under("event", "event", lambda r: _short(r["title"])),
    "event_publicity": _under(
        "event", "event", lambda r: f"{r['channel']} {_date(r['posted_on'])}"
    ),
    "event_attendee": lambda r, lk: " · ".join(
        p
        for p in (
            lk.describe("event", r["event"]) if r.get("event") is not None else "",
            _who(r, lk, "resident") or str(r.get("name") or ""),
        )
        if p
    ),
    "event_photo": _under(
        "event",
        "event",
        lambda r: _short(str(r.get("caption") or r.get("original_name") or "照片")),
    ),
    "event_template": lambda r, lk: str(r["name"]),
    "facility_standard": lambda r, lk: str(r["name"]),
    "facility_standard_item": _under("facility_standard", "standard", lambda r: str(r["name"])),
    "facility_centre": lambda r, lk: str(r["name"]),
    "facility_space": _under("facility_centre", "centre", lambda r: str(r["name"])),
    "facility_equipment": _under("facility_space", "space", lambda r: str(r["name"])),
    "facility_inspection": _under(
        "facility_centre", "centre", lambda r: f"{_date(r['inspected_on'])} 安全检查"
    ),
    "facility_finding": _under(
        "facility_inspection", "inspection", lambda r: _short(r["description"])
    ),
    "facility_photo": lambda r, lk: " · ".join(
        p
        for p in (
            lk.describe("facility_finding", r["finding"])
            if r.get("finding") is not None
            else lk.describe("facility_space", r["space"])
            if r.get("space") is not None
            else "",
            PHOTO_PURPOSES.get(r.get("purpose") or "", "") + "照片",
            _short(r.get("caption") or "", 20),
        )
        if p
    ),
    "certificate_kind": lambda r, lk: str(r["name"]),
    "report_submission": lambda r, lk: f"{r['serial']} {r['month']} {r['scope_name']}",
    "saved_list": lambda r, lk: f"名单“{r['name']}”",
    "fill_run": _under("fill_template", "template", lambda r: f"{_date(r['made_at'])} 生成"),
    "fill_template": lambda r, lk: (
        f"{r['name']}（{r['department']}）" if r["department"] else str(r["name"])
    ),
    "certificate": lambda r, lk: (
        f"{r['serial']} {r['kind_name']}（{_who(r, lk, 'resident') or r['resident_name']}）"
    ),
}


# -- values ----------------------------------------------------------------------------------

_ISO_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}(?::\d{2})?)(?:\.\d+)?$")
# An ID number typed into free text (a note, a reason): 18 characters, or the old 15 digits.
_ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")


def mask_text(text: str) -> str:
    """*text* with every ID number in it masked (6106**********5702)."""
    return _ID_IN_TEXT.sub(lambda m: idcard.mask(m.group(1)), text)


def _plain(value: Any) -> str:
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(_plain(v) for v in value) if value else EMPTY
    if isinstance(value, dict):  # e.g. a restore's record counts, keyed by table
        return (
            "，".join(f"{table_label(str(k))}：{_plain(v)}" for k, v in value.items())
            if value
            else EMPTY
        )
    text = str(value)
    stamp = _ISO_TIME.match(text)
    if stamp:
        return f"{stamp.group(1)} {stamp.group(2)}"
    return mask_text(text)


def _yes_no(value: Any) -> str:
    if value is None or value == "":
        return EMPTY
    if isinstance(value, str):
        return "是" if value.strip().lower() in ("1", "true", "yes") else "否"
    return "是" if value else "否"


def _money(value: Any, per: int) -> str:
    if value is None or value == "":
        return EMPTY
    try:
        amount = float(value) / per
    except (TypeError, ValueError):
        return _plain(value)
    return f"{amount:,.2f}元"


def show_value(
    table_name: str, name: str, value: Any, lookup: Lookup, record: Mapping[str, Any] | None = None
) -> str:
    """One stored value as the 主任 reads it: codes decoded, records by name, IDs masked.

    *record* is what else is known of the row (its other values), for a field whose meaning
    depends on another one (a life event's from/to values are categories for a 类别变更).
    """
    spec = field_spec(table_name, name)
    if spec is None:
        return _plain(value)
    if spec.ref:
        ids = _ids(value)
        if not ids:
            return EMPTY if isinstance(value, list) or value in (None, "", "[]") else _plain(value)
        return "、".join(lookup.describe(spec.ref, i) for i in ids)
    if value is None or value == "":
        return EMPTY
    if spec.kind == "bool":
        return _yes_no(value)
    if spec.kind == "fen":
        return _money(value, 100)
    if spec.kind == "yuan":
        return _money(value, 1)
    if spec.kind == "id_number":
        return idcard.mask(str(value))
    if spec.kind == "user":
        return lookup.user(str(value))
    if spec.kind == "item_code":
        return lookup.item_name(str(value))
    if spec.kind == "blob":  # a stored file is never copied into the view
        size = len(value) if isinstance(value, (bytes, str)) else 0
        return f"（文件，{size:,}字节）" if size else "（文件）"
    if spec.codes:
        return codes.name(spec.codes, str(value), str(value))
    if spec.names is not None:
        return spec.names.get(str(value), str(value))
    if (
        table_name == "life_event"
        and name in ("from_value", "to_value")
        and record
        and record.get("kind") == "category_change"
    ):
        return codes.name("category", str(value), str(value))
    return _plain(value)


# -- readable rows ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One field of an audit row: its label, and the value before and after (None: not given,
    as for every field of a new record)."""

    key: str
    label: str
    before: str | None
    after: str | None

    @property
    def line(self) -> str:
        """联系电话：138… → 139… (a new record's values alone: 姓名：张秀)."""
        if self.before is None:
            return f"{self.label}：{self.after}"
        return f"{self.label}：{self.before} → {EMPTY if self.after is None else self.after}"


@dataclass(frozen=True)
class Entry:
    """One audit row, readable."""

    id: int
    at: dt.datetime
    username: str
    user: str  # 李晓梅（clerk）
    action: str
    action_name: str  # 修改
    table_name: str
    table_label: str  # 居民
    record_id: str | None
    record: str  # 张秀（6106**********5702）
    note: str
    changes: tuple[Change, ...] = ()

    @property
    def time(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S}" if isinstance(self.at, dt.datetime) else str(self.at)

    @property
    def summary(self) -> str:
        """查看 居民 张秀（6106**********5702）"""
        return " ".join(p for p in (self.action_name, self.table_label, self.record) if p)

    @property
    def content(self) -> str:
        """The changes on one line: 联系电话：138… → 139…；人员类别：户籍人口 → 流动人口."""
        return "；".join(c.line for c in self.changes)


def _load_json(text: str | None) -> dict[str, Any] | None:
    if not text:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return {"": text}
    return data if isinstance(data, dict) else {"": data}


def _order(table: str, name: str) -> tuple[int, str]:
    """Fields in the model's order (as the form shows them), not alphabetically as stored."""
    known = FIELDS.get(table, {})
    if name in known:
        return (list(known).index(name), "")
    return (len(known), name)


def _is_key(text: str | None) -> bool:
    return bool(text) and str(text).lstrip("-").isdigit()


def readable(rows: Sequence[AuditLog]) -> list[Entry]:
    """The rows as Entries; a fixed number of queries per table involved, not per row."""
    return _readable(rows, Lookup())


def _changes(
    table: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    lookup: Lookup,
    context: Mapping[str, Any],
) -> tuple[Change, ...]:
    old, new = before or {}, after or {}
    keys = sorted(set(old) | set(new), key=lambda k: _order(table, k))
    return tuple(
        Change(
            key,
            field_label(table, key) if key else "内容",
            show_value(table, key, old[key], lookup, context) if key in old else None,
            show_value(table, key, new[key], lookup, context) if key in new else None,
        )
        for key in keys
    )


def _readable(rows: Sequence[AuditLog], lookup: Lookup) -> list[Entry]:
    parsed: list[tuple[AuditLog, dict[str, Any] | None, dict[str, Any] | None]] = []
    for row in rows:
        before, after = _load_json(row.before), _load_json(row.after)
        parsed.append((row, before, after))
        if _is_key(row.record_id):
            lookup.want(row.table_name, row.record_id)
        for data in (before, after):
            for key, value in (data or {}).items():
                spec = field_spec(row.table_name, key)
                if spec is not None and spec.ref:
                    lookup.want(spec.ref, value)
    lookup.load()
    entries: list[Entry] = []
    for row, before, after in parsed:
        table = row.table_name
        record = ""
        stored: Row = {}
        if row.record_id:
            if table == "setting":
                record = field_label("setting", row.record_id)
            elif _is_key(row.record_id) and table in _SOURCES:
                record = lookup.describe(table, row.record_id)
                stored = lookup.rows[table].get(int(row.record_id)) or {}
            else:
                record = f"{table_label(table)} {mask_text(row.record_id)}"
        context = {**stored, **(before or {}), **(after or {})}
        entries.append(
            Entry(
                id=row.id,
                at=row.at,
                username=row.username,
                user=lookup.user(row.username),
                action=row.action,
                action_name=action_name(row.action),
                table_name=table,
                table_label=table_label(table),
                record_id=row.record_id,
                record=mask_text(record),
                note=mask_text(row.note or ""),
                changes=_changes(table, before, after, lookup, context),
            )
        )
    return entries


# -- finding rows -----------------------------------------------------------------------------


@dataclass(frozen=True)
class LogFilter:
    """What the 主任 asked for. Empty strings and None mean "any"."""

    person: str = ""  # a resident's name, or digits of an ID number: rows about them
    username: str = ""
    action: str = ""
    table_name: str = ""
    text: str = ""  # within the note and the stored values before and after
    since: dt.date | None = None
    until: dt.date | None = None

    def describe(self) -> str:
        """The filters in words (masked: a typed ID number must not reach the workbook)."""
        parts: list[str] = []
        if self.person.strip():
            parts.append(f"居民：{mask_text(self.person.strip())}")
        if self.username:
            parts.append(f"用户：{self.username}")
        if self.action:
            parts.append(f"操作：{action_name(self.action)}")
        if self.table_name:
            parts.append(f"记录类型：{table_label(self.table_name)}")
        if self.text.strip():
            parts.append(f"内容含：{mask_text(self.text.strip())}")
        if self.since or self.until:
            since = self.since.isoformat() if self.since else "最早"
            until = self.until.isoformat() if self.until else "最新"
            parts.append(f"日期：{since} 至 {until}")
        return "；".join(parts) or "全部"


@dataclass(frozen=True)
class LogPage:
    entries: list[Entry]
    more: bool  # older rows match too: ask again with before_id = the last entry's id
    total: int | None = None  # rows matching in all (counted for the first page only)
    people: list[str] = field(default_factory=list)  # some of the residents the person filter found
    people_count: int = 0


_ID_FRAGMENT = re.compile(r"^[0-9]+[0-9X]?$")


def _people(text: str) -> Any:
    """The residents a typed name or ID number (or part of one) means.

    A name matches exactly when someone has it (张秀 is not also 张秀英), else any name
    containing it; digits match anywhere in the ID number, as the register's search does.
    """
    text = text.strip()
    compact = text.replace(" ", "").upper()
    if _ID_FRAGMENT.match(compact):
        if len(compact) == 18:
            return Resident.select(Resident.id).where(Resident.id_number == compact)
        return Resident.select(Resident.id).where(Resident.id_number.contains(compact))
    exact = Resident.select(Resident.id).where(Resident.name == text)
    if exact.exists():
        return exact
    return Resident.select(Resident.id).where(Resident.name.contains(text))


def _as_text(model: type[BaseModel], where: Any) -> Any:
    """SELECT CAST(id AS TEXT) …: audit rows keep record ids as text."""
    return model.select(pw.Cast(model._meta.fields["id"], "TEXT")).where(where)


def _person_clause(people: Any) -> Any:
    """Audit rows about these residents: their own record and the records that name them."""
    cases = Case.select(Case.id).where(
        Case.mother.in_(people)
        | Case.father.in_(people)
        | Case.child.in_(people)
        | Case.person.in_(people)
    )
    related: list[tuple[str, Any]] = [
        ("resident", _as_text(Resident, Resident.id.in_(people))),
        ("resident_tag", _as_text(ResidentTag, ResidentTag.resident.in_(people))),
        ("life_event", _as_text(LifeEvent, LifeEvent.resident.in_(people))),
        ("casework_case", _as_text(Case, Case.id.in_(cases))),
        (
            "casework_child",
            _as_text(CaseChild, CaseChild.resident.in_(people) | CaseChild.case.in_(cases)),
        ),
        ("casework_follow_up", _as_text(FollowUp, FollowUp.case.in_(cases))),
        ("casework_reminder", _as_text(MaternalReminder, MaternalReminder.case.in_(cases))),
        ("casework_status_change", _as_text(CaseStatusChange, CaseStatusChange.case.in_(cases))),
        ("event_attendee", _as_text(EventAttendee, EventAttendee.resident.in_(people))),
        ("certificate", _as_text(Certificate, Certificate.resident.in_(people))),
    ]
    clause: Any = None
    for table, ids in related:
        term = (AuditLog.table_name == table) & AuditLog.record_id.in_(ids)
        clause = term if clause is None else clause | term
    return clause


def _query(flt: LogFilter) -> Any:
    query = AuditLog.select()
    if flt.username:
        query = query.where(AuditLog.username == flt.username)
    if flt.action:
        query = query.where(AuditLog.action == flt.action)
    if flt.table_name:
        query = query.where(AuditLog.table_name == flt.table_name)
    text = flt.text.strip()
    if text:
        query = query.where(
            AuditLog.note.contains(text)
            | AuditLog.before.contains(text)
            | AuditLog.after.contains(text)
            | (AuditLog.record_id == text)
        )
    if flt.since:
        query = query.where(AuditLog.at >= dt.datetime.combine(flt.since, dt.time.min))
    if flt.until:
        query = query.where(
            AuditLog.at < dt.datetime.combine(flt.until + dt.timedelta(days=1), dt.time.min)
        )
    if flt.person.strip():
        query = query.where(_person_clause(_people(flt.person)))
    return query


@service(Perm.AUDIT_VIEW, write=False)
def search(
    actor: HasRole, flt: LogFilter, *, before_id: int | None = None, limit: int = PAGE_SIZE
) -> LogPage:
    """A page of the newest matching rows, readable; ``more`` says whether older ones match.

    The first page (no *before_id*) also counts the matching rows and, for a person filter,
    names the residents it found.
    """
    query = _query(flt)
    paged = query if before_id is None else query.where(AuditLog.id < before_id)
    rows = list(paged.order_by(AuditLog.id.desc()).limit(limit + 1))
    if before_id is not None:
        return LogPage(readable(rows[:limit]), len(rows) > limit)
    people: list[str] = []
    count = 0
    if flt.person.strip():
        matched = _people(flt.person)
        count = matched.count()
        found = (
            Resident.select(Resident.name, Resident.id_number)
            .where(Resident.id.in_(matched))
            .order_by(Resident.id)
            .limit(5)
        )
        people = [_resident({"name": r.name, "id_number": r.id_number}, Lookup()) for r in found]
    total = len(rows) if len(rows) <= limit else query.count()
    return LogPage(readable(rows[:limit]), len(rows) > limit, total, people, count)


@service(Perm.AUDIT_VIEW, write=False)
def user_choices(actor: HasRole) -> list[tuple[str, str]]:
    """(username, 李晓梅（clerk）) for everyone who appears in the log."""
    lookup = Lookup()
    return [(name, lookup.user(name)) for name in audit.log_users()]


@service(Perm.AUDIT_VIEW, write=False)
def action_choices(actor: HasRole) -> list[tuple[str, str]]:
    """(action, 修改) for every action in the log, in the order of ACTION_NAMES."""
    actions = [row.action for row in AuditLog.select(AuditLog.action).distinct()]
    order = list(audit.ACTION_NAMES)
    return sorted(
        ((a, action_name(a)) for a in actions),
        key=lambda item: (order.index(item[0]) if item[0] in order else len(order), item[0]),
    )


@service(Perm.AUDIT_VIEW, write=False)
def table_choices(actor: HasRole) -> list[tuple[str, str]]:
    """(table, 居民) for every kind of record in the log, in the order of TABLE_NAMES."""
    order = list(audit.TABLE_NAMES)
    return sorted(
        ((name, table_label(name)) for name in audit.log_tables()),
        key=lambda item: (order.index(item[0]) if item[0] in order else len(order), item[0]),
    )


# -- the workbook -----------------------------------------------------------------------------


class ExportCancelled(UserFacingError):
    def __init__(self) -> None:
        super().__init__("导出已取消。")


@dataclass(frozen=True)
class ExportResult:
    path: Path
    rows: int


SHEET_TITLE = "操作日志"
EXPORT_COLUMNS: list[tuple[str, int]] = [
    ("时间", 20),
    ("用户", 18),
    ("操作", 12),
    ("记录类型", 12),
    ("记录", 40),
    ("内容（修改前 → 修改后）", 60),
    ("说明", 30),
]
CONTENT_CELL = 5  # the changes, one line per field
EXPORT_BATCH = 1000
_CELL_LIMIT = 32000  # Excel holds at most 32,767 characters in a cell


def _cell_text(text: str) -> str:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    text = ILLEGAL_CHARACTERS_RE.sub("", text)  # control characters make openpyxl refuse
    return text if len(text) <= _CELL_LIMIT else text[: _CELL_LIMIT - 1] + "…"


def export_row(entry: Entry) -> list[str]:
    """The workbook's cells for one entry, in EXPORT_COLUMNS order."""
    return [
        entry.time,
        entry.user,
        entry.action_name,
        entry.table_label,
        entry.record,
        "\n".join(c.line for c in entry.changes),
        entry.note,
    ]


@service(Perm.AUDIT_VIEW, write=False)
def export_workbook(
    actor: HasRole,
    flt: LogFilter,
    path: str | os.PathLike[str],
    progress: Callable[[int, int], bool] | None = None,
) -> ExportResult:
    """Every row the filter matches, newest first, to an .xlsx; the export is itself audited.

    The file appears under *path* only together with its audit row; a cancelled or failed
    export leaves neither (nor a half-written file).
    """
    path = Path(path)
    tmp = path.with_name(path.name + ".part")
    try:
        with database.atomic():  # one read transaction: the count and the rows agree
            top = AuditLog.select(pw.fn.MAX(AuditLog.id)).scalar() or 0
            total = _query(flt).where(AuditLog.id <= top).count()
            done = _write(tmp, flt, top, total, progress)
        with database.atomic():
            audit.record(
                actor.username,
                audit.Action.EXPORT,
                "audit_log",
                None,
                None,
                {"file": path.name, "rows": done, "filters": flt.describe()},
                f"导出操作日志（{done}条）",
            )
            os.replace(tmp, path)  # if this fails the audit row is rolled back with it
    finally:
        if tmp.exists():
            tmp.unlink()
    return ExportResult(path, done)


def _write(
    target: Path, flt: LogFilter, top: int, total: int, progress: Callable[[int, int], bool] | None
) -> int:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    if progress and progress(0, max(total, 1)) is False:
        raise ExportCancelled()
    book = Workbook(write_only=True)
    ws = book.create_sheet(SHEET_TITLE)
    # Write-only sheets leave out their size unless told it (see models/registry/workbook/export.py).
    last = f"{get_column_letter(len(EXPORT_COLUMNS))}{total + 2}"
    ws.calculate_dimension = lambda: f"A1:{last}"
    for index, (_, width) in enumerate(EXPORT_COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A3"
    title = WriteOnlyCell(
        ws,
        _cell_text(
            f"操作日志（导出于{clock.now():%Y-%m-%d %H:%M}，共{total}条；筛选：{flt.describe()}）"
        ),
    )
    title.font = Font(bold=True, size=14)
    ws.append([title])
    header = []
    for text, _ in EXPORT_COLUMNS:
        cell = WriteOnlyCell(ws, text)
        cell.font = Font(bold=True)
        header.append(cell)
    ws.append(header)
    wrap = Alignment(wrap_text=True, vertical="top")
    done = 0
    lookup = Lookup()  # shared across batches: people and households already found stay found
    cursor = top + 1
    try:
        while True:
            batch = list(
                _query(flt)
                .where(AuditLog.id < cursor)
                .order_by(AuditLog.id.desc())
                .limit(EXPORT_BATCH)
            )
            if not batch:
                break
            cursor = batch[-1].id
            for entry in _readable(batch, lookup):
                # Every value is a string, so a reader keeps it as text (no number or date
                # guessing); only the multi-line 内容 cell needs a style, which is what costs.
                cells: list[Any] = [_cell_text(value) for value in export_row(entry)]
                content = WriteOnlyCell(ws, cells[CONTENT_CELL])
                content.alignment = wrap
                cells[CONTENT_CELL] = content
                for i, value in enumerate(cells):
                    # a name typed as "=HYPERLINK(…)" stays text, never a live formula
                    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
                        cells[i] = text_cell(ws, value)
                ws.append(cells)
            done += len(batch)
            if progress and progress(done, max(total, 1)) is False:
                raise ExportCancelled()
        book.save(target)
    except BaseException:
        _discard(ws)
        raise
    return done


def _discard(ws: Any) -> None:
    """A write-only sheet streams into a temporary file: close and remove it, or it lingers
    (and its row generator complains when collected)."""
    with contextlib.suppress(Exception):
        if not ws.closed:
            ws.close()
    writer = getattr(ws, "_writer", None)
    if writer is not None:
        with contextlib.suppress(Exception):
            writer.cleanup()
