"""The audited fields of the people's side: users, settings, compounds, the register and casework.

Each table maps its fields, in the model's order, to a Field (models/core/audit_spec.py); the
other tables are in models/core/audit_fields.py, which joins the two.
"""

from __future__ import annotations

from models.casework.entities import (
    APPLICATION_STATUSES,
    CASE_TYPES,
    CHILD_ORIGINS,
    FOLLOW_UP_WAYS,
    REMINDER_STATUSES,
    REWARD_CATEGORIES,
    SPECIAL_CATEGORIES,
    STATUSES,
)
from models.casework.rates import RATE_KINDS
from models.casework.rules import VISITS
from models.core import settings
from models.core.audit_spec import (
    ARCHIVED,
    CREATED,
    ID,
    NOTES,
    UPDATED,
    Field,
    coded,
    fen,
    named,
    plain,
    ref,
    user,
    yes_no,
)
from models.core.permissions import ROLE_NAMES_EVER
from models.registry.life_events import KINDS as LIFE_EVENT_KINDS

PEOPLE_FIELDS: dict[str, dict[str, Field]] = {
    "user": {
        "id": ID,
        "username": plain("用户名"),
        "display_name": plain("姓名"),
        "role": named("角色", ROLE_NAMES_EVER),
        "password_hash": plain("密码"),
        "failed_attempts": plain("连续输错密码次数"),
        "locked_until": plain("锁定至"),
        "active": yes_no("启用"),
        "created_at": CREATED,
        "last_login_at": plain("最近登录时间"),
    },
    # Settings are audited as {key: value}: the keys are the fields.
    "setting": {
        "key": plain("设置项"),
        "value": plain("设置值"),
        # Labels and choice names as the settings dialog shows them (models.core.settings.SPECS).
        **{
            s.key: (
                yes_no(s.label)
                if s.kind == "bool"
                else named(s.label, dict(s.choices))
                if s.kind == "choice"
                else plain(s.label)
            )
            for s in settings.SPECS
        },
    },
    "compound": {
        "id": ID,
        "name": plain("小区名称"),
        "lead_unit": plain("牵头单位"),
        "address": plain("地址"),
        "notes": NOTES,
        "archived": ARCHIVED,
        "created_at": CREATED,
    },
    "household": {
        "id": ID,
        "household_no": plain("户号"),
        "compound": ref("小区", "compound"),
        "building": plain("楼栋"),
        "unit": plain("单元"),
        "room": plain("门牌"),
        "household_type": coded("户别", "household_type"),
        "phone": plain("户电话"),
        "notes": NOTES,
        "archived": ARCHIVED,
        "created_at": CREATED,
        "updated_at": UPDATED,
    },
    "resident": {
        "id": ID,
        "household": ref("所在户", "household"),
        "name": plain("姓名"),
        "id_number": Field("公民身份号码", kind="id_number"),
        "sex": coded("性别", "sex"),
        "birth_date": plain("出生日期"),
        "ethnicity": coded("民族", "ethnicity"),
        "relation": coded("与户主关系", "relation"),
        "education": coded("文化程度", "education"),
        "marital_status": coded("婚姻状况", "marital_status"),
        "political_status": coded("政治面貌", "political_status"),
        "category": coded("人员类别", "category"),
        "status": coded("人员状态", "resident_status"),
        "phone": plain("联系电话"),
        "hukou_address": plain("户籍地址"),
        "work_unit": plain("工作单位"),
        "arrived_on": plain("来本地日期"),
        "pinyin": plain("姓名拼音"),
        "pinyin_initials": plain("姓名拼音首字母"),
        "notes": NOTES,
        "created_at": CREATED,
        "updated_at": UPDATED,
    },
    "resident_tag": {
        "id": ID,
        "resident": ref("居民", "resident"),
        "tag": coded("特殊人群", "special_group"),
        "detail": plain("详情"),
        "start_date": plain("开始日期"),
        "end_date": plain("结束日期"),
        "created_at": CREATED,
    },
    "life_event": {
        "id": ID,
        "resident": ref("居民", "resident"),
        "household": ref("户", "household"),
        "kind": named("变动类型", LIFE_EVENT_KINDS),
        "event_date": plain("变动日期"),
        "reason": plain("原因"),
        "from_value": plain("变动前（迁出地、原户、原类别）"),
        "to_value": plain("变动后（迁入地、新户、新类别）"),
        "corrects": ref("更正的变动记录", "life_event"),
        "voided": yes_no("已撤销"),
        "username": user("登记人"),
        "created_at": CREATED,
    },
    "casework_case": {
        "id": ID,
        "case_no": plain("个案编号"),
        "case_type": named("个案类型", CASE_TYPES),
        "status": named("办理状态", STATUSES),
        "opened_on": plain("登记日期"),
        "closed_on": plain("结束日期"),
        "mother": ref("母亲", "resident"),
        "father": ref("父亲", "resident"),
        "child": ref("子女", "resident"),
        "person": ref("服务对象", "resident"),
        "subject": plain("事由"),
        "marriage_date": plain("结婚日期"),
        "expected_date": plain("预产期"),
        "birth_date": plain("子女出生日期"),
        "discharge_date": plain("出院日期"),
        "child_name": plain("子女姓名"),
        "birth_order": plain("孩次"),
        "suggested_order": plain("按规则核算的孩次"),
        "order_reason": plain("孩次不同的原因"),
        "application_status": named("申请状态", APPLICATION_STATUSES),
        "applied_on": plain("申请日期"),
        "paid_fen": fen("已发放金额"),
        "last_paid_on": plain("最近发放日期"),
        "category": named("扶助类别", {**SPECIAL_CATEGORIES, **REWARD_CATEGORIES}),
        "start_date": plain("享受起始日期"),
        "end_date": plain("享受截止日期"),
        "notes": NOTES,
        "created_by": user("登记人"),
        "created_at": CREATED,
        "updated_at": UPDATED,
    },
    "casework_child": {
        "id": ID,
        "case": ref("个案", "casework_case"),
        "resident": ref("居民", "resident"),
        "name": plain("姓名"),
        "sex": coded("性别", "sex"),
        "birth_date": plain("出生日期"),
        "origin": named("子女来源", CHILD_ORIGINS),
        "deceased": yes_no("已死亡"),
        "note": NOTES,
    },
    "casework_status_change": {
        "id": ID,
        "case": ref("个案", "casework_case"),
        "from_status": named("原状态", STATUSES),
        "to_status": named("新状态", STATUSES),
        "on_date": plain("日期"),
        "reason": plain("原因"),
        "username": user("经办人"),
        "created_at": CREATED,
    },
    "casework_follow_up": {
        "id": ID,
        "case": ref("个案", "casework_case"),
        "on_date": plain("随访日期"),
        "way": named("随访方式", FOLLOW_UP_WAYS),
        "note": plain("随访情况"),
        "next_date": plain("下次随访日期"),
        "username": user("随访人"),
        "created_at": CREATED,
    },
    "casework_reminder": {
        "id": ID,
        "case": ref("个案", "casework_case"),
        "visit": named("检查项目", VISITS),
        "window_start": plain("提醒起始日期"),
        "window_end": plain("提醒截止日期"),
        "status": named("提醒状态", REMINDER_STATUSES),
        "status_on": plain("状态日期"),
        "username": user("经办人"),
        "updated_at": UPDATED,
    },
    "casework_rate": {
        "id": ID,
        "kind": named("标准类别", RATE_KINDS),
        "start_date": plain("执行起始日期"),
        "monthly_fen": fen("每月金额"),
        "note": plain("说明"),
        "voided": yes_no("已作废"),
        "void_reason": plain("作废原因"),
        "username": user("录入人"),
        "created_at": CREATED,
    },
}
