"""Population-services casework (计生服务): the tables and their code lists.

Only today's services (domain notes §3): birth registration, childcare subsidy, special and
reward assistance, maternal-health reminders and a general service record. Deliberately
absent: fines or fees, over-quota flags, contraception fields, certificate checks on migrants.
The services live in casework_cases / casework_worklist / casework_rates.
"""

from __future__ import annotations

import peewee as pw

from models.core.entities import BaseModel, Resident, now

# Case types, in the order the window offers them.
BIRTH_REG = "birth_reg"
SUBSIDY = "subsidy"
SPECIAL_ASSIST = "special_assist"
REWARD_ASSIST = "reward_assist"
MATERNAL = "maternal"
GENERAL = "general"

CASE_TYPES: dict[str, str] = {
    BIRTH_REG: "生育登记",
    SUBSIDY: "育儿补贴",
    SPECIAL_ASSIST: "特别扶助",
    REWARD_ASSIST: "奖励扶助",
    MATERNAL: "孕产期健康提醒",
    GENERAL: "一般服务记录",
}
CASE_TYPE_SHORT: dict[str, str] = {**CASE_TYPES, MATERNAL: "孕产期", GENERAL: "一般服务"}
# Case numbers read like the paper files: SY2026-0007.
CASE_PREFIX: dict[str, str] = {
    BIRTH_REG: "SY",
    SUBSIDY: "BT",
    SPECIAL_ASSIST: "TF",
    REWARD_ASSIST: "JL",
    MATERNAL: "YC",
    GENERAL: "FW",
}

# Workflow: 登记 → 办理中 → 已办结, or 已转办 / 已撤销 with a reason.
REGISTERED = "registered"
IN_PROGRESS = "in_progress"
CLOSED = "closed"
TRANSFERRED = "transferred"
CANCELLED = "cancelled"
STATUSES: dict[str, str] = {
    REGISTERED: "登记",
    IN_PROGRESS: "办理中",
    CLOSED: "已办结",
    TRANSFERRED: "已转办",
    CANCELLED: "已撤销",
}
OPEN_STATUSES = (REGISTERED, IN_PROGRESS)
# Cases that still stand (a closed subsidy case keeps paying until the child is three).
VALID_STATUSES = (REGISTERED, IN_PROGRESS, CLOSED)
TRANSITIONS: dict[str, tuple[str, ...]] = {
    REGISTERED: (IN_PROGRESS, CLOSED, TRANSFERRED, CANCELLED),
    IN_PROGRESS: (CLOSED, TRANSFERRED, CANCELLED),
    CLOSED: (),
    TRANSFERRED: (),
    CANCELLED: (),
}
NEEDS_REASON = (TRANSFERRED, CANCELLED)

# Special assistance categories → the rate kind that pays them.
SPECIAL_CATEGORIES: dict[str, str] = {
    "child_died": "独生子女死亡",
    "child_disabled": "独生子女伤残",
    "surgery_1": "手术并发症一级",
    "surgery_2": "手术并发症二级",
    "surgery_3": "手术并发症三级",
}
REWARD_CATEGORIES: dict[str, str] = {
    "reward": "农村部分计划生育家庭奖励扶助",
}

# Childcare subsidy application.
APPLICATION_STATUSES: dict[str, str] = {
    "not_applied": "未申请",
    "applied": "已申请",
    "approved": "已审核",
    "paid": "已发放",
    "rejected": "未通过",
}

# How an existing child of the couple stands in the 孩次 count (domain §3).
CHILD_ORIGINS: dict[str, str] = {
    "common": "夫妻共同生育",
    "earlier": "一方前婚所生",
    "adopted": "收养或继子女",
}

FOLLOW_UP_WAYS: dict[str, str] = {
    "home": "入户走访",
    "phone": "电话",
    "wechat": "微信",
    "office": "来访",
}

REMINDER_STATUSES: dict[str, str] = {
    "pending": "待提醒",
    "reminded": "已提醒",
    "done": "已完成",
    "referred": "已转介",
    "skipped": "登记前已过",
}


class Case(BaseModel):
    """One piece of casework. People come from the register; the rest are the case's own."""

    case_no = pw.CharField(max_length=20, unique=True)
    case_type = pw.CharField(max_length=20, index=True)
    status = pw.CharField(max_length=12, default=REGISTERED, index=True)
    opened_on = pw.DateField(index=True)
    closed_on = pw.DateField(null=True)  # date of 已办结 / 已转办 / 已撤销
    mother = pw.ForeignKeyField(Resident, null=True, backref="+", on_delete="RESTRICT")
    father = pw.ForeignKeyField(Resident, null=True, backref="+", on_delete="RESTRICT")
    child = pw.ForeignKeyField(Resident, null=True, backref="+", on_delete="RESTRICT")
    # The recipient of assistance, or the resident a general record is about.
    person = pw.ForeignKeyField(Resident, null=True, backref="+", on_delete="RESTRICT")
    subject = pw.CharField(max_length=200, default="")
    # Birth registration and maternal reminders.
    marriage_date = pw.DateField(null=True)
    expected_date = pw.DateField(null=True)  # 预产期
    birth_date = pw.DateField(null=True)  # the child's, once born (child may not be registered yet)
    discharge_date = pw.DateField(null=True)  # 出院日期: dates the postnatal home visit
    child_name = pw.CharField(max_length=50, default="")
    birth_order = pw.IntegerField(null=True)  # 孩次 registered
    suggested_order = pw.IntegerField(null=True)  # 孩次 the counting rules gave
    order_reason = pw.CharField(max_length=200, default="")  # why the two differ
    # Childcare subsidy.
    application_status = pw.CharField(max_length=12, default="")
    applied_on = pw.DateField(null=True)
    paid_fen = pw.IntegerField(default=0)  # paid so far, in fen
    last_paid_on = pw.DateField(null=True)
    # Special / reward assistance.
    category = pw.CharField(max_length=20, default="")
    start_date = pw.DateField(null=True)
    end_date = pw.DateField(null=True)
    notes = pw.TextField(default="")
    created_by = pw.CharField(max_length=50)
    created_at = pw.DateTimeField(default=now)
    updated_at = pw.DateTimeField(default=now)

    class Meta:
        table_name = "casework_case"


class CaseChild(BaseModel):
    """An existing child of a birth-registration couple, and how it counts for 孩次."""

    case = pw.ForeignKeyField(Case, backref="children", on_delete="RESTRICT")
    resident = pw.ForeignKeyField(Resident, null=True, backref="+", on_delete="RESTRICT")
    name = pw.CharField(max_length=50)
    sex = pw.CharField(max_length=1, default="0")
    birth_date = pw.DateField(null=True)
    origin = pw.CharField(max_length=12, default="common")
    deceased = pw.BooleanField(default=False)
    note = pw.CharField(max_length=200, default="")

    class Meta:
        table_name = "casework_child"


class CaseStatusChange(BaseModel):
    """Every move through the workflow, dated, with its reason."""

    case = pw.ForeignKeyField(Case, backref="status_changes", on_delete="RESTRICT")
    from_status = pw.CharField(max_length=12, default="")
    to_status = pw.CharField(max_length=12)
    on_date = pw.DateField(index=True)
    reason = pw.CharField(max_length=200, default="")
    username = pw.CharField(max_length=50)
    created_at = pw.DateTimeField(default=now)

    class Meta:
        table_name = "casework_status_change"


class FollowUp(BaseModel):
    """随访: when, how, what was said, and when to come back."""

    case = pw.ForeignKeyField(Case, backref="follow_ups", on_delete="RESTRICT")
    on_date = pw.DateField(index=True)
    way = pw.CharField(max_length=10)
    note = pw.TextField(default="")
    next_date = pw.DateField(null=True, index=True)
    username = pw.CharField(max_length=50)
    created_at = pw.DateTimeField(default=now)

    class Meta:
        table_name = "casework_follow_up"


class MaternalReminder(BaseModel):
    """One visit window to remind of. Status only: the health centre keeps the results."""

    case = pw.ForeignKeyField(Case, backref="reminders", on_delete="RESTRICT")
    visit = pw.CharField(max_length=12)
    window_start = pw.DateField(index=True)
    window_end = pw.DateField()
    status = pw.CharField(max_length=10, default="pending")
    status_on = pw.DateField(null=True)
    username = pw.CharField(max_length=50, default="")
    updated_at = pw.DateTimeField(default=now)

    class Meta:
        table_name = "casework_reminder"


class CaseRate(BaseModel):
    """An amount per person (or child) per month from a start date; later rows supersede."""

    kind = pw.CharField(max_length=20, index=True)
    start_date = pw.DateField()
    monthly_fen = pw.IntegerField()
    note = pw.CharField(max_length=200, default="")
    voided = pw.BooleanField(default=False)
    void_reason = pw.CharField(max_length=200, default="")
    username = pw.CharField(max_length=50)
    created_at = pw.DateTimeField(default=now)

    class Meta:
        table_name = "casework_rate"


CASEWORK_MODELS: list[type[BaseModel]] = [
    Case,
    CaseChild,
    CaseStatusChange,
    FollowUp,
    MaternalReminder,
    CaseRate,
]
