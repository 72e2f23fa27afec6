"""Community events (社区活动): the plan, its preparation, the day itself and the brief report.

One `Event` row holds the activity plan (domain notes §5) and its outcome; the child tables
hold its lists. Money is kept in fen (integer hundredths of a yuan) so sums are exact.
Nothing is deleted: events are cancelled with a reason, list lines are archived.
"""

from __future__ import annotations

import peewee as pw

from models.core.entities import BaseModel, Compound, Resident, now

# Stored code → shown name. Editable later; codes never change once used.
EVENT_TYPES: dict[str, str] = {
    "culture": "文体活动",
    "elderly": "敬老助老",
    "policy": "政策宣传",
    "health": "义诊健康",
    "environment": "环境卫生",
    "safety": "安全演练",
    "party": "党建活动",
    "volunteer": "志愿服务",
    "other": "其他",
}

PLANNED, HELD, CANCELLED = "planned", "held", "cancelled"
STATUS_NAMES: dict[str, str] = {PLANNED: "筹备中", HELD: "已举办", CANCELLED: "已取消"}

PUBLICITY_CHANNELS = [
    "居民微信群",
    "QQ群",
    "社区宣传栏",
    "小区公告栏",
    "电话通知",
    "入户通知",
    "社区微信公众号",
]


class Event(BaseModel):
    title = pw.CharField(max_length=100)  # 活动主题
    event_type = pw.CharField(max_length=20, default="other", index=True)
    compound = pw.ForeignKeyField(
        Compound, null=True, backref="community_events", on_delete="RESTRICT"
    )  # None: the whole community
    event_date = pw.DateField(index=True)
    start_time = pw.CharField(max_length=5, default="")  # "19:00"
    end_time = pw.CharField(max_length=5, default="")
    place = pw.CharField(max_length=200, default="")
    audience = pw.CharField(max_length=200, default="")  # 活动对象
    expected_count = pw.IntegerField(default=0)
    purpose = pw.TextField(default="")  # 活动目的
    content = pw.TextField(default="")  # 活动内容
    running_order = pw.TextField(default="")  # 活动流程, one step a line
    publicity_plan = pw.TextField(default="")  # 宣传安排
    rules = pw.TextField(default="")  # 现场要求
    safety_plan = pw.TextField(default="")  # 安全与应急预案
    cleanup = pw.TextField(default="")  # 活动结束后的清理与收尾
    status = pw.CharField(max_length=12, default=PLANNED, index=True)
    cancel_reason = pw.CharField(max_length=200, default="")
    head_count = pw.IntegerField(null=True)  # 实到人数
    summary = pw.TextField(default="")  # 活动总结 (the brief's body)
    # The brief report: its issue number is counted per calendar year of brief_date.
    brief_year = pw.IntegerField(null=True)
    brief_no = pw.IntegerField(null=True)
    brief_date = pw.DateField(null=True)
    brief_to = pw.CharField(max_length=200, default="")  # 报
    brief_cc = pw.CharField(max_length=200, default="")  # 送
    brief_copies = pw.IntegerField(default=5)
    template_key = pw.CharField(max_length=50, default="")  # where the plan came from
    created_by = pw.CharField(max_length=50, default="")
    created_at = pw.DateTimeField(default=now)
    updated_at = pw.DateTimeField(default=now)

    class Meta:
        indexes = ((("brief_year", "brief_no"), False),)


class EventStaff(BaseModel):
    """A person responsible on the day and their role (主持人, 放映员, 安全员 …)."""

    event = pw.ForeignKeyField(Event, backref="staff", on_delete="RESTRICT")
    role = pw.CharField(max_length=50, default="")
    name = pw.CharField(max_length=50, default="")
    phone = pw.CharField(max_length=30, default="")
    sort = pw.IntegerField(default=0)
    archived = pw.BooleanField(default=False)


class EventBudgetLine(BaseModel):
    """Materials and money: what was budgeted and what was really spent, in fen."""

    event = pw.ForeignKeyField(Event, backref="budget_lines", on_delete="RESTRICT")
    item = pw.CharField(max_length=100)
    quantity = pw.CharField(max_length=30, default="")
    budget_fen = pw.IntegerField(default=0)
    actual_fen = pw.IntegerField(null=True)  # None: not yet spent / not known
    note = pw.CharField(max_length=200, default="")
    sort = pw.IntegerField(default=0)
    archived = pw.BooleanField(default=False)


class EventTask(BaseModel):
    """One preparation item (准备事项): who does it, by when, and whether it is done."""

    event = pw.ForeignKeyField(Event, backref="tasks", on_delete="RESTRICT")
    title = pw.CharField(max_length=200)
    owner = pw.CharField(max_length=50, default="")
    due_date = pw.DateField(null=True, index=True)
    done = pw.BooleanField(default=False)
    done_by = pw.CharField(max_length=50, default="")
    done_at = pw.DateTimeField(null=True)
    sort = pw.IntegerField(default=0)
    archived = pw.BooleanField(default=False)


class EventPublicity(BaseModel):
    """Publicity log: where a notice was posted, when, and what it said."""

    event = pw.ForeignKeyField(Event, backref="publicity", on_delete="RESTRICT")
    channel = pw.CharField(max_length=50)
    posted_on = pw.DateField()
    content = pw.TextField(default="")
    username = pw.CharField(max_length=50, default="")
    created_at = pw.DateTimeField(default=now)
    archived = pw.BooleanField(default=False)


class EventAttendee(BaseModel):
    """A resident on the sign-in list: invited, signed in, and any follow-up of an absence."""

    event = pw.ForeignKeyField(Event, backref="attendees", on_delete="RESTRICT")
    resident = pw.ForeignKeyField(
        Resident, null=True, backref="event_attendance", on_delete="RESTRICT"
    )
    name = pw.CharField(max_length=50)
    invited = pw.BooleanField(default=True)
    signed_in = pw.BooleanField(default=False)
    signed_at = pw.DateTimeField(null=True)
    follow_up = pw.CharField(max_length=200, default="")
    archived = pw.BooleanField(default=False)

    class Meta:
        indexes = ((("event", "resident"), False),)


class EventPhoto(BaseModel):
    """A photo from the day, stored in the attachments folder (path relative to it)."""

    event = pw.ForeignKeyField(Event, backref="photos", on_delete="RESTRICT")
    path = pw.CharField(max_length=200)
    original_name = pw.CharField(max_length=200, default="")
    caption = pw.CharField(max_length=200, default="")
    in_brief = pw.BooleanField(default=True)
    sort = pw.IntegerField(default=0)
    added_by = pw.CharField(max_length=50, default="")
    added_at = pw.DateTimeField(default=now)
    archived = pw.BooleanField(default=False)


class EventTemplate(BaseModel):
    """A plan saved by a clerk for reuse (the built-in ones are in resources/)."""

    name = pw.CharField(max_length=100)
    event_type = pw.CharField(max_length=20, default="other")
    data = pw.TextField()  # JSON: the same shape as resources/event_templates.json entries
    created_by = pw.CharField(max_length=50, default="")
    created_at = pw.DateTimeField(default=now)
    archived = pw.BooleanField(default=False)


EVENT_MODELS: list[type[BaseModel]] = [
    Event,
    EventStaff,
    EventBudgetLine,
    EventTask,
    EventPublicity,
    EventAttendee,
    EventPhoto,
    EventTemplate,
]


def type_name(code: str) -> str:
    return EVENT_TYPES.get(code, code)


def yuan(fen: int | None) -> str:
    """12345 → "123.45"; None → ""."""
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    whole, part = divmod(abs(fen), 100)
    return f"{sign}{whole:,}.{part:02d}"


def parse_yuan(text: str) -> int | None:
    """ "123.4" → 12340 fen; "" → None. Raises ValueError on anything else."""
    text = text.strip().replace(",", "").replace("，", "").replace("元", "").replace("¥", "")
    if not text:
        return None
    from decimal import Decimal, InvalidOperation

    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(f"“{text}”不是金额。") from exc
    # Decimal reads "NaN", "Infinity" and "1e30" too: comparing a NaN raised InvalidOperation.
    if not value.is_finite():
        raise ValueError(f"“{text}”不是金额。")
    if value < 0:
        raise ValueError("金额不能为负数。")
    if value > MAX_YUAN:
        raise ValueError(f"金额不能超过{MAX_YUAN:,}元。")
    return int((value * 100).quantize(Decimal("1")))


MAX_YUAN = 100_000_000  # an event's budget line; more is a slip of the keyboard
