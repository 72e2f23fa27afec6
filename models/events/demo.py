"""A year of community events for the demo: held ones with attendance, summaries, spending
and briefs; upcoming ones with partly done checklists. Declared in models.events.area.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path

from models.core import crud
from models.core.entities import Compound, Resident
from models.events.attendance import add_photo, add_residents, set_follow_up
from models.events.brief import draft_summary
from models.events.entities import CANCELLED, HELD, EventBudgetLine, EventTask
from models.events.prep import StaffLine, add_publicity, add_task, save_staff, staff
from models.events.service import (
    PlanFields,
    assign_brief_issue,
    create_event,
    load_event,
)
from models.events.templates import create_from_template

PHOTO_DIR = Path(__file__).resolve().parents[2] / "resources" / "demo_photos"
STAFF_NAMES = ["李晓梅", "王秀英", "张建国", "刘芳", "赵志强", "陈丽", "杨帆", "高建军", "马红霞"]


@dataclass
class _Actor:
    username: str
    role: str = "admin"


@dataclass(frozen=True)
class _Spec:
    month: int
    day: int
    template: str  # a built-in template key, or "" for a plan written from scratch
    title: str
    event_type: str = ""
    compound: int | None = None  # index into the compounds, None: the whole community
    cancelled: str = ""  # reason
    photo: str = ""
    sign_in: bool = False


SPECS = [
    _Spec(1, 20, "", "迎新春·写春联送福到万家", "culture"),
    _Spec(
        3,
        5,
        "clean_day",
        "学雷锋志愿服务暨环境卫生清洁日",
        "volunteer",
        compound=2,
        photo="clean_day.jpg",
    ),
    _Spec(4, 15, "policy_health", "全民国家安全教育日法治宣传进社区"),
    _Spec(5, 12, "fire_drill", "防灾减灾日应急疏散演练", compound=1),
    _Spec(6, 18, "", "端午节包粽子邻里活动", "culture"),
    _Spec(
        7, 18, "film_night", "“纳凉夏夜”社区露天电影放映活动", compound=0, photo="film_night.jpg"
    ),
    _Spec(8, 8, "clean_day", "小区环境卫生清洁日", compound=4, cancelled="暴雨预警，活动改期举行"),
    _Spec(9, 10, "policy_health", "义诊进社区暨医保政策宣传", "health"),
    _Spec(10, 18, "double_ninth", "", photo="double_ninth.jpg", sign_in=True),
    _Spec(11, 9, "fire_drill", "“119”消防宣传月消防安全演练"),
    _Spec(11, 22, "clean_day", "入冬前楼道杂物清理", compound=5),
    _Spec(12, 2, "fire_drill", "冬季用火用电安全演练", compound=3),
    _Spec(12, 12, "policy_health", "育儿补贴政策宣传暨义诊进社区"),
    _Spec(12, 31, "", "迎元旦全民健步走", "culture"),
    _Spec(1, 10, "double_ninth", "腊八节敬老送温暖活动"),
]

_SCRATCH = {
    "迎新春·写春联送福到万家": (
        "社区活动室",
        "社区居民",
        60,
        "邀请书法爱好者现场书写春联、福字，免费赠送给居民。",
        ["采购红纸、墨汁和毛笔", "邀请书法爱好者", "在居民微信群发布通知"],
    ),
    "端午节包粽子邻里活动": (
        "社区活动室",
        "社区居民及其子女",
        40,
        "居民一起包粽子，讲端午节的来历，粽子分送给独居老人。",
        ["采购糯米、粽叶和红枣", "在居民微信群发布通知", "联系志愿者分送粽子"],
    ),
    "迎元旦全民健步走": (
        "沿河步道",
        "社区居民",
        120,
        "沿河步道健步走约5公里，终点发放纪念品。",
        ["确定路线并踩点", "联系派出所协助维护秩序", "采购纪念品", "在居民微信群发布通知"],
    ),
}


def _date_in_window(month: int, day: int, as_of: dt.date) -> dt.date:
    """The date with this month and day between eleven months ago and seven weeks ahead."""
    start = as_of - dt.timedelta(days=335)
    for year in (as_of.year + 1, as_of.year, as_of.year - 1):  # the coming one first
        when = dt.date(year, month, day)
        if start <= when <= as_of + dt.timedelta(days=50):
            return when
    return dt.date(as_of.year, month, day)


def _scratch_event(actor: _Actor, spec: _Spec, when: dt.date, compound_id: int | None) -> int:
    place, audience, expected, content, tasks = _SCRATCH[spec.title]
    event_id = create_event(
        actor,
        PlanFields(
            title=spec.title,
            event_type=spec.event_type or "other",
            compound_id=compound_id,
            event_date=when,
            start_time="09:30",
            end_time="11:30",
            place=place,
            audience=audience,
            expected_count=expected,
            content=content,
            purpose="丰富居民文化生活，增进邻里感情。",
            publicity_plan="提前三天在居民微信群和社区宣传栏发布通知。",
            safety_plan="安排专人维持秩序，注意老人和儿童安全。",
            cleanup="清理场地，归还物资，撰写简报。",
        ),
    )
    for i, title in enumerate(tasks):
        add_task(actor, event_id, title, STAFF_NAMES[i % 4], when - dt.timedelta(days=5 - i))
    save_staff(actor, event_id, [StaffLine(role) for role in ("总负责", "宣传员", "志愿者组长")])
    return event_id


def add_demo_events(rng: random.Random, as_of: dt.date, username: str) -> None:
    actor = _Actor(username)
    compounds = [c.id for c in Compound.select().order_by(Compound.id)]
    specs = sorted(SPECS, key=lambda s: _date_in_window(s.month, s.day, as_of))
    for spec in specs:
        when = _date_in_window(spec.month, spec.day, as_of)
        compound_id = None
        if spec.compound is not None and compounds:
            compound_id = compounds[spec.compound % len(compounds)]
        if spec.template:
            event_id = create_from_template(actor, spec.template, when, compound_id, spec.title)
            if spec.event_type:
                crud.update(actor, load_event(event_id), event_type=spec.event_type)
        else:
            event_id = _scratch_event(actor, spec, when, compound_id)
        lines = staff(event_id)
        names = rng.sample(STAFF_NAMES, k=min(len(lines), len(STAFF_NAMES)))
        for line, name in zip(lines, names, strict=False):
            line.name = name
        save_staff(actor, event_id, lines)
        _prepare(actor, event_id, when, as_of, rng, done_all=not spec.cancelled)
        if spec.cancelled:
            crud.update(actor, load_event(event_id), status=CANCELLED, cancel_reason=spec.cancelled)
        elif when < as_of:
            _hold(actor, event_id, when, as_of, rng, spec)


def _prepare(
    actor: _Actor, event_id: int, when: dt.date, as_of: dt.date, rng: random.Random, done_all: bool
) -> None:
    """Tick the checklist as a real office would: past items mostly done, some forgotten."""
    past = when < as_of and done_all
    for task in EventTask.select().where(EventTask.event == event_id):
        due = task.due_date or when
        if not past:  # upcoming: overdue ones mostly done, the next ten days' partly
            chance = 0.7 if due < as_of else 0.4 if due <= as_of + dt.timedelta(days=10) else 0
            if rng.random() >= chance:
                continue
        done_at = dt.datetime.combine(min(due, as_of), dt.time(rng.randint(9, 17), 0))
        crud.update(actor, task, done=True, done_by=actor.username, done_at=done_at)
    channels = [
        ("居民微信群", "活动通知：时间、地点和注意事项，欢迎居民参加。"),
        ("社区宣传栏", "张贴活动通知一张。"),
    ]
    for channel, content in channels:
        posted = when - dt.timedelta(days=3)
        if posted <= as_of:
            add_publicity(actor, event_id, channel, posted, content)


def _hold(
    actor: _Actor, event_id: int, when: dt.date, as_of: dt.date, rng: random.Random, spec: _Spec
) -> None:
    event = load_event(event_id)
    head = max(10, round(event.expected_count * rng.uniform(0.7, 1.25)))
    if spec.template == "film_night":
        head = 80  # the seed's film night, as the issue tells it
    for line in EventBudgetLine.select().where(EventBudgetLine.event == event_id):
        if line.budget_fen:
            spent = round(line.budget_fen * rng.uniform(0.8, 1.05) / 100) * 100
            crud.update(actor, line, actual_fen=spent)
    if spec.sign_in:
        _sign_in_list(actor, event_id, when, as_of, rng)
    crud.update(actor, event, status=HELD, head_count=head)
    if spec.photo and (PHOTO_DIR / spec.photo).is_file():
        add_photo(actor, event_id, PHOTO_DIR / spec.photo, f"{spec.title or event.title}现场")
    recent = (as_of - when).days <= 7
    if not recent:  # the last one held still waits for its summary and brief
        crud.update(actor, load_event(event_id), summary=draft_summary(event_id))
        assign_brief_issue(actor, event_id, when + dt.timedelta(days=1))


def _sign_in_list(
    actor: _Actor, event_id: int, when: dt.date, as_of: dt.date, rng: random.Random
) -> None:
    """Invite older residents; most come, the absent ones are phoned afterwards."""
    cutoff = as_of.replace(year=as_of.year - 70)
    elders = [
        r.id
        for r in Resident.select(Resident.id)
        .where((Resident.status == "current") & (Resident.birth_date <= cutoff))
        .order_by(Resident.id)
    ]
    invited = rng.sample(elders, k=min(30, len(elders)))
    add_residents(actor, event_id, invited)
    from models.events.entities import EventAttendee

    for row in EventAttendee.select().where(EventAttendee.event == event_id):
        if rng.random() < 0.8:
            arrived = dt.datetime.combine(when, dt.time(9, rng.randint(10, 40)))
            crud.update(actor, row, signed_in=True, signed_at=arrived)
        elif rng.random() < 0.6:
            set_follow_up(
                actor,
                row.id,
                rng.choice(
                    [
                        "电话联系：身体不适，已转告社区医生",
                        "入户看望：外出探亲",
                        "电话未接通，待再联系",
                    ]
                ),
            )
