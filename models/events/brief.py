"""The brief's first draft: what the plan, the outcome and the sign-in sheet already say."""

from __future__ import annotations

from dataclasses import replace

from models.core import settings
from models.events.attendance import counts
from models.events.service import clock_text, get_event


def draft_summary(event_id: int, head_count: int | None = None) -> str:
    """A first draft of the brief's body from the plan and the outcome, for the clerk to edit.

    *head_count* overrides the stored one (the window passes what is typed but not saved).
    """
    info = get_event(event_id)
    if head_count is not None:
        info = replace(info, head_count=head_count)
    plan = info.plan
    unit = settings.get("issuing_unit")
    when = f"{plan.event_date.year}年{plan.event_date.month}月{plan.event_date.day}日"
    if plan.start_time:
        when += clock_text(plan.start_time)
    where = f"在{plan.place}" if plan.place else ""
    title = plan.title if "“" in plan.title else f"“{plan.title}”"
    lines = [
        f"{when}，{unit}{where}开展了{title}。"
        + (f"活动面向{plan.audience}，" if plan.audience else "")
        + (f"共有{info.head_count}名居民参加。" if info.head_count else "")
    ]
    if plan.purpose:
        lines.append(f"本次活动旨在{plan.purpose.rstrip('。')}。")
    if plan.content:
        lines.append(plan.content)
    signed = counts(event_id)
    if signed.invited:
        lines.append(
            f"活动邀请{signed.invited}人，签到{signed.signed_in}人；"
            f"未到的{signed.absent}人由社区工作人员逐一回访。"
        )
    if plan.cleanup:
        lines.append("活动结束后，工作人员清理了会场，将设备物资归还原处。")
    return "\n".join(lines)
