"""The activity plan (活动方案) of an event, in the order of domain notes §5.

build_plan(event_id, path) -> path
"""

from __future__ import annotations

from pathlib import Path

from reportlab.platypus import Flowable, KeepTogether, Paragraph

from models.core import clock
from models.events import prep as events_prep
from models.events import service as events_service
from models.events.entities import yuan
from reports.events_common import date_style, document_options, ordinal, paragraphs
from reports.layout.official import (
    Document,
    closing,
    data_table,
    esc,
    format_date,
    heading,
    spacer,
    styles,
)


def build_plan(event_id: int, path: str | Path) -> Path:
    info = events_service.get_event(event_id)
    plan = info.plan
    options = document_options()
    title = plan.title if plan.title.endswith("方案") else f"{plan.title}方案"
    doc = Document(Path(path), title, date=plan.event_date, **options)
    st = styles(doc.font_path)
    story: list[Flowable] = [Paragraph(esc(title), st.title)]
    sections: list[tuple[str, list[Flowable]]] = []

    def text(heading: str, body: str) -> None:
        if body.strip():
            sections.append((heading, paragraphs(body, st.body)))

    text("活动目的", plan.purpose)
    when = format_date(plan.event_date, date_style())
    if plan.start_time:
        when += info.time_text  # 2026年11月22日8:30—11:00: no space inside Chinese
    place_lines = [f"时间：{when}"]
    if plan.place:
        place_lines.append(f"地点：{plan.place}")
    if info.compound_name:
        place_lines.append(f"小区：{info.compound_name}")
    text("时间和地点", "\n".join(place_lines))
    audience = plan.audience
    if plan.expected_count:
        audience = (
            f"{audience}，预计{plan.expected_count}人"
            if audience
            else (f"预计{plan.expected_count}人")
        )
    text("活动对象", audience)
    text("活动内容", plan.content)
    text("活动流程", plan.running_order)
    staff = events_prep.staff(event_id)
    if staff:
        sections.append(
            (
                "人员分工",
                [
                    data_table(
                        st,
                        ["职责", "姓名", "联系电话"],
                        [[s.role, s.name, s.phone] for s in staff],
                        widths_mm=[50, 46, 60],
                    )
                ],
            )
        )
    lines = events_prep.budget(event_id)
    if lines:
        total = sum(x.budget_fen for x in lines)
        rows = [
            [x.item, x.quantity, yuan(x.budget_fen) if x.budget_fen else "—", x.note] for x in lines
        ]
        rows.append(["合计", "", yuan(total), ""])
        sections.append(
            (
                "物资与经费预算",
                [
                    data_table(
                        st,
                        ["物资/项目", "数量", "预算（元）", "备注"],
                        rows,
                        widths_mm=[56, 26, 30, 44],
                        numeric=[2],
                        total_row=True,
                    )
                ],
            )
        )
    tasks = events_prep.tasks(event_id)
    if tasks:
        rows = [
            [
                str(i),
                t.title,
                t.owner,
                f"{t.due_date.month}月{t.due_date.day}日" if t.due_date else "",
                "已完成" if t.done else "",
            ]
            for i, t in enumerate(tasks, 1)
        ]
        sections.append(
            (
                "前期准备",
                [
                    data_table(
                        st,
                        ["序号", "准备事项", "负责", "完成时限", "情况"],
                        rows,
                        widths_mm=[12, 82, 24, 22, 16],
                    )
                ],
            )
        )
    text("宣传发动", plan.publicity_plan)
    text("活动要求", plan.rules)
    text("安全保障与应急预案", plan.safety_plan)
    text("活动结束", plan.cleanup)
    for number, (name, body) in enumerate(sections, 1):
        # Kept with the first lines or table rows below it; a table may still split.
        story.append(heading(st, f"{ordinal(number)}、{name}"))
        story.extend(body)
    signed = min(clock.today(), plan.event_date)
    story.append(
        KeepTogether(
            [spacer(10), *closing(st, options["issuing_unit"], format_date(signed, date_style()))]
        )
    )
    return doc.build(story)
