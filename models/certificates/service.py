"""Certificates (证明): the kinds a committee may issue, and the numbered log of those issued.

Since 2020 a residents' committee issues a certificate only where a law provides for it
(domain §6). The residence certificate (居住证明) is shipped; an administrator may add or
edit kinds, but a kind on the list of certificates committees may no longer issue is
refused with the reason, whoever asks and however it is spelt in the name. Every
certificate gets a serial number (2026-0001, counting per year) and a row in the log: who
issued which kind to whom, for what, and when. The text is stored as printed, so a reprint
is the same certificate; a mistaken one is voided, never deleted.
"""

from __future__ import annotations

import datetime as dt
import string
import unicodedata
from dataclasses import dataclass
from typing import Any

import peewee as pw

from models.core import audit, clock, codes, crud, idcard, settings
from models.core.dates import format_date
from models.core.db import database
from models.core.entities import BaseModel, Household, Resident, User, now
from models.core.errors import UserFacingError
from models.core.permissions import HasRole, Perm, can, require
from models.core.service import SYSTEM, service


class CertificateKind(BaseModel):
    name = pw.CharField(unique=True, max_length=50)
    # Paragraphs separated by new lines, with {placeholders} filled from the resident's record.
    body = pw.TextField()
    legal_basis = pw.CharField(max_length=200, default="")
    enabled = pw.BooleanField(default=True)
    created_at = pw.DateTimeField(default=now)
    updated_at = pw.DateTimeField(default=now)


class Certificate(BaseModel):
    """One certificate issued: the log row and the text exactly as printed."""

    serial = pw.CharField(unique=True, max_length=20)
    year = pw.IntegerField()
    number = pw.IntegerField()
    kind = pw.ForeignKeyField(CertificateKind, backref="certificates", on_delete="RESTRICT")
    kind_name = pw.CharField(max_length=50)
    resident = pw.ForeignKeyField(Resident, backref="certificates", on_delete="RESTRICT")
    resident_name = pw.CharField(max_length=50)
    purpose = pw.CharField(max_length=200)
    body = pw.TextField()
    issuing_unit = pw.CharField(max_length=100)
    full_id = pw.BooleanField(default=False)
    id_reason = pw.CharField(max_length=200, default="")
    issued_by = pw.CharField(max_length=50, index=True)
    issued_on = pw.DateField(index=True)
    issued_at = pw.DateTimeField(default=now)
    voided = pw.BooleanField(default=False)
    void_reason = pw.CharField(max_length=200, default="")

    class Meta:
        indexes = ((("year", "number"), True),)


MODELS: list[type[BaseModel]] = [CertificateKind, Certificate]


class CertificateError(UserFacingError, ValueError):
    """A certificate that cannot be issued or a kind that cannot be saved; for the user."""


@dataclass(frozen=True)
class ForbiddenKind:
    name: str
    keywords: tuple[str, ...]
    authority: str  # who provides it instead, or how it is done now
    source: str = "民发〔2020〕20号"


ABOLISHED = "民发〔2020〕20号"
# The 20 certificates that 民发〔2020〕20号 (six ministries, 2020) says committees must not
# issue, each with words that mean it in substance (domain §6): a kind whose name contains
# one of them is refused, however it is spelt. Kinds are an allow-list on top of this: each
# enabled kind names its legal basis.
FORBIDDEN_KINDS: list[ForbiddenKind] = [
    ForbiddenKind(
        "亲属关系证明",
        (
            "亲属",
            "亲子",
            "亲缘",
            "父子",
            "母子",
            "父女",
            "母女",
            "夫妻",
            "夫妇",
            "配偶",
            "直系",
            "抚养",
            "扶养",
            "赡养",
            "监护",
            "子女关系",
            "父母关系",
            "兄弟",
            "姐妹",
            "祖孙",
            "关系证明",
        ),
        "由公安机关户籍档案、婚姻登记档案或公证机构证明，或由本人书面承诺",
    ),
    ForbiddenKind(
        "居民身份信息证明",
        ("身份信息", "身份证明", "身份证", "身份", "同一人", "曾用名", "民族成分", "人户一致"),
        "以居民身份证、户口簿为准，由公安机关核查",
    ),
    ForbiddenKind(
        "户口登记项目内容变更申请证明",
        ("户口", "户籍", "登记项目", "变更申请"),
        "由公安机关依据原始档案核实办理",
    ),
    ForbiddenKind(
        "居民养犬证明", ("养犬", "养狗", "犬", "狗", "宠物"), "由公安机关等养犬登记部门办理"
    ),
    ForbiddenKind(
        "无犯罪记录证明",
        ("犯罪", "违法", "刑事", "品行", "政审", "良好行为", "表现证明", "遵纪守法", "政治审查"),
        "由公安机关出具",
    ),
    ForbiddenKind(
        "社区戒毒社区康复人员情况证明",
        ("戒毒", "吸毒", "涉毒", "社区康复"),
        "由负责社区戒毒、社区康复工作的部门出具",
    ),
    ForbiddenKind("人员失踪证明", ("失踪", "走失", "下落不明", "失联"), "由公安机关或人民法院办理"),
    ForbiddenKind(
        "婚姻状况证明",
        (
            "婚姻",
            "未婚",
            "已婚",
            "离婚",
            "结婚",
            "单身",
            "再婚",
            "丧偶",
            "婚史",
            "婚",
            "同居",
            "独居",
        ),
        "由婚姻登记机关查询，或由本人书面承诺",
    ),
    ForbiddenKind("出生证明", ("出生",), "由助产医疗机构出具《出生医学证明》"),
    ForbiddenKind(
        "健在证明",
        ("健在", "生存", "在世", "活着", "领取资格", "资格认证", "养老金"),
        "由社会保险经办机构通过数据比对或人脸识别认证",
    ),
    ForbiddenKind("死亡证明", ("死亡", "去世", "亡故", "身故", "逝世"), "由医疗机构或公安机关出具"),
    ForbiddenKind(
        "疾病状况证明", ("疾病", "病情", "患病", "病", "健康状况", "身体状况"), "由医疗机构出具"
    ),
    ForbiddenKind("残疾状况证明", ("残疾", "残障", "伤残"), "以残联核发的《残疾人证》为准"),
    ForbiddenKind(
        "婚育状况证明",
        ("婚育", "生育", "计划生育", "计生", "独生子女", "怀孕", "节育"),
        "生育登记由卫生健康部门办理，其他情况由本人书面承诺",
    ),
    ForbiddenKind(
        "居民就业状况证明",
        ("就业", "失业", "无业", "待业", "在职", "工作证明", "收入", "工资"),
        "由用人单位或人力资源社会保障部门出具",
    ),
    ForbiddenKind(
        "居民个人档案证明", ("档案", "个人信息", "简历", "个人经历"), "由档案保管单位出具"
    ),
    ForbiddenKind(
        "居民财产证明",
        (
            "财产",
            "房产",
            "产权",
            "无房",
            "住房",
            "存款",
            "资产",
            "车辆",
            "经济状况",
            "经济困难",
            "贫困",
            "困难",
            "低保",
            "特困",
        ),
        "由不动产登记、金融机构等查询，家庭经济状况由民政部门依申请核对",
    ),
    ForbiddenKind("遗产继承权证明", ("遗产", "继承"), "由公证机构或人民法院办理"),
    ForbiddenKind(
        "市场主体住所证明",
        ("市场主体", "住所", "经营场所", "营业场所", "注册地", "营业执照", "工商"),
        "由申请人提交住所使用证明文件，市场监管部门依法核查",
    ),
    ForbiddenKind("证件遗失证明", ("遗失", "丢失", "挂失", "补办"), "由发证机关办理，或登报声明"),
]


PLACEHOLDERS: dict[str, str] = {
    "name": "姓名",
    "sex": "性别",
    "ethnicity": "民族",
    "birth_date": "出生日期",
    "id_number": "公民身份号码（按设置遮盖或完整）",
    "hukou_address": "户籍地址",
    "address": "现住址（小区、楼栋、单元、门牌）",
    "since": "“，自某年某月某日起在本社区居住”（登记了来本地日期时）",
    "purpose": "用途",
    "unit": "出具单位",
}

RESIDENCE = "居住证明"
# Where a province's rules list it (check the local list): the residence permit regulation
# asks applicants for proof of residence.
RESIDENCE_BASIS = "《居住证暂行条例》（国务院令第663号）：申领居住证须提交居住证明"
RESIDENCE_BODY = (
    "兹证明{name}（{sex}，{ethnicity}，{birth_date}出生，公民身份号码：{id_number}），"
    "户籍地址：{hukou_address}，现居住在{address}{since}。\n"
    "此证明仅用于{purpose}，复印无效。\n"
    "特此证明。"
)


def _clean(name: str) -> str:
    return unicodedata.normalize("NFKC", name).replace(" ", "").replace("\u3000", "").strip()


def forbidden_reason(name: str) -> str | None:
    """Why a kind may not be issued by a committee, or None when it may."""
    text = _clean(name)
    # The longest word found names the kind (婚育状况 is 婚育, not 婚姻 for its 婚); on a tie,
    # the kind listed first.
    found = [
        (len(word), -i)
        for i, item in enumerate(FORBIDDEN_KINDS)
        for word in item.keywords
        if word in text
    ]
    if not found:
        return None
    item = FORBIDDEN_KINDS[-max(found)[1]]
    return (
        f"“{name}”属于{item.source}规定居委会不再出具的证明（{item.name}）：居委会只出具"
        f"法律法规有依据、属于职责范围的证明事项，此类情况{item.authority}。"
    )


def _check_legal_basis(legal_basis: str) -> str:
    text = legal_basis.strip()
    if not text:
        raise CertificateError(
            "请填写该证明的法律依据（法律、法规或规章的名称和条款）："
            "居委会只出具有法律法规依据的证明。"
        )
    return text


def _check_body(body: str) -> str:
    body = body.strip()
    if not body:
        raise CertificateError("证明正文不能为空。")
    try:
        fields = {f for _, f, _, _ in string.Formatter().parse(body) if f is not None}
    except ValueError as exc:
        raise CertificateError(f"证明正文的花括号不成对：{exc}") from exc
    unknown = sorted(fields - set(PLACEHOLDERS))
    if unknown:
        allowed = "、".join("{" + k + "}" for k in PLACEHOLDERS)
        raise CertificateError(f"证明正文中有未知的填充项 {unknown}；可用的有：{allowed}。")
    return body


def ensure_default_kinds() -> None:
    """Seed the residence certificate the first time the kinds are needed."""
    if CertificateKind.select().exists():
        return
    crud.create(
        SYSTEM,
        CertificateKind,
        "预置证明种类",
        name=RESIDENCE,
        body=RESIDENCE_BODY,
        legal_basis=RESIDENCE_BASIS,
    )


def list_kinds(include_disabled: bool = False) -> list[CertificateKind]:
    ensure_default_kinds()
    query = CertificateKind.select().order_by(CertificateKind.id)
    if not include_disabled:
        query = query.where(CertificateKind.enabled == True)  # noqa: E712
    return list(query)


@service(Perm.CERTIFICATE_KINDS)
def add_kind(actor: HasRole, name: str, body: str, legal_basis: str = "") -> CertificateKind:
    """A new kind: never one of the abolished ones, and always with its legal basis."""
    name = _clean(name)
    if not name:
        raise CertificateError("证明名称不能为空。")
    reason = forbidden_reason(name)
    if reason:
        raise CertificateError(reason)
    if CertificateKind.select().where(CertificateKind.name == name).exists():
        raise CertificateError(f"证明种类“{name}”已存在。")
    body = _check_body(body)
    legal_basis = _check_legal_basis(legal_basis)
    return crud.create(actor, CertificateKind, name=name, body=body, legal_basis=legal_basis)


@service(Perm.CERTIFICATE_KINDS)
def update_kind(
    actor: HasRole,
    kind_id: int,
    *,
    name: str | None = None,
    body: str | None = None,
    legal_basis: str | None = None,
    enabled: bool | None = None,
) -> CertificateKind:
    """Edit, enable or disable a kind; a forbidden name is refused, and cannot be enabled."""
    kind = CertificateKind.get_by_id(kind_id)
    changes: dict[str, Any] = {}
    if name is not None:
        name = _clean(name)
        if not name:
            raise CertificateError("证明名称不能为空。")
        clash = CertificateKind.select().where(
            (CertificateKind.name == name) & (CertificateKind.id != kind.id)
        )
        if clash.exists():
            raise CertificateError(f"证明种类“{name}”已存在。")
        changes["name"] = name
    if body is not None:
        changes["body"] = _check_body(body)
    if legal_basis is not None:
        changes["legal_basis"] = legal_basis.strip()
    if enabled is not None:
        changes["enabled"] = enabled
    will_be_enabled = changes.get("enabled", kind.enabled)
    reason = forbidden_reason(changes.get("name", kind.name))
    if reason and will_be_enabled:
        raise CertificateError(reason)
    if will_be_enabled:
        _check_legal_basis(changes.get("legal_basis", kind.legal_basis))
    return crud.update(actor, kind, **changes)


def _address(resident: Resident) -> str:
    household: Household | None = resident.household
    if household is None:
        return ""
    parts = [household.compound.name, household.building, household.unit, household.room]
    return "".join(p for p in parts if p)


@service(None, write=False)
def fill(
    actor: HasRole,
    body: str,
    resident: Resident,
    purpose: str,
    full_id: bool,
    unit: str,
    style: str = "arabic",
) -> str:
    """The kind's text with the resident's details filled in, as it will be printed.

    The ID number is masked unless *full_id*, which needs a role that may reveal it; the
    caller (issue()) logs the reveal with the certificate it belongs to.
    """
    if full_id:
        require(actor, Perm.REVEAL_ID)
    values = {
        "name": resident.name,
        "sex": codes.name("sex", resident.sex, "未说明"),
        "ethnicity": codes.name("ethnicity", resident.ethnicity, "未登记"),
        "birth_date": _date(resident.birth_date, style) if resident.birth_date else "（未登记）",
        "id_number": (resident.id_number or "（未登记）")
        if full_id
        else (idcard.mask(resident.id_number) or "（未登记）"),
        "hukou_address": resident.hukou_address or "（未登记）",
        "address": _address(resident) or "本社区",
        "since": (
            f"，自{_date(resident.arrived_on, style)}起在本社区居住" if resident.arrived_on else ""
        ),
        "purpose": purpose,
        "unit": unit,
    }
    return body.format_map(values)


@dataclass(frozen=True)
class Preview:
    resident_label: str  # name, sex, masked ID, status: what the dialog shows of the person
    text: str  # the certificate's text with the ID masked


@service(Perm.CERTIFICATE_ISSUE, write=False)
def preview(
    actor: HasRole, resident_id: int, kind_id: int | None, purpose: str, full_id: bool = False
) -> Preview:
    """What the certificate will say, for the dialog, before anything is issued.

    The ID number is always masked here, even when the full number is to be printed: the
    full number is shown only on the certificate itself, when it is issued or reprinted,
    each time with an audit row (issue(), record_reprint()).
    """
    resident = Resident.get_or_none(Resident.id == resident_id)
    if resident is None:
        raise CertificateError("所选居民不存在。")
    label = (
        f"{resident.name}　{codes.name('sex', resident.sex)}　{idcard.mask(resident.id_number)}"
        f"　{codes.name('resident_status', resident.status)}"
    )
    kind = CertificateKind.get_or_none(CertificateKind.id == kind_id) if kind_id else None
    if kind is None:
        return Preview(label, "")
    text = fill(
        actor,
        kind.body,
        resident,
        purpose,
        False,
        settings.get("issuing_unit"),
        style=settings.get("date_style"),
    )
    if full_id and can(actor, Perm.REVEAL_ID):
        text += "\n（开具时打印完整身份证号码，并记入操作日志。）"
    elif full_id:
        text += "\n（当前角色不能打印完整身份证号码，开具时将被拒绝。）"
    return Preview(label, text)


def _date(day: dt.date, style: str) -> str:
    return format_date(day, style)


@service(Perm.CERTIFICATE_ISSUE, write=False)
def issue(
    actor: HasRole,
    resident_id: int,
    kind_id: int,
    purpose: str,
    *,
    full_id: bool = False,
    reason: str = "",
    today: dt.date | None = None,
) -> Certificate:
    """Issue one certificate: a new serial number, the printed text, a log row, an audit row."""
    purpose = purpose.strip()
    if not purpose:
        raise CertificateError("请填写证明的用途（例如：办理居住证）。")
    if full_id:
        require(actor, Perm.REVEAL_ID)
        if not reason.strip():
            raise CertificateError("打印完整身份证号码须填写理由。")
    ensure_default_kinds()
    kind = CertificateKind.get_or_none(CertificateKind.id == kind_id)
    if kind is None:
        raise CertificateError("所选证明种类不存在。")
    refused = forbidden_reason(kind.name)
    if refused:
        raise CertificateError(refused)
    if not kind.enabled:
        raise CertificateError(f"证明种类“{kind.name}”已停用。")
    if not kind.legal_basis.strip():
        raise CertificateError(f"证明种类“{kind.name}”没有填写法律依据，请系统管理员补填后再开具。")
    resident = Resident.get_or_none(Resident.id == resident_id)
    if resident is None:
        raise CertificateError("所选居民不存在。")
    if resident.status != "current":
        state = codes.name("resident_status", resident.status)
        raise CertificateError(f"{resident.name}的登记状态为“{state}”，不能开具{kind.name}。")
    today = today or clock.today()
    unit = settings.get("issuing_unit")
    body = fill(
        actor, kind.body, resident, purpose, full_id, unit, style=settings.get("date_style")
    )
    for _attempt in range(3):
        try:
            with database.atomic():
                number = 1 + int(
                    Certificate.select(pw.fn.MAX(Certificate.number))
                    .where(Certificate.year == today.year)
                    .scalar()
                    or 0
                )
                cert = Certificate.create(
                    serial=f"{today.year}-{number:04d}",
                    year=today.year,
                    number=number,
                    kind=kind,
                    kind_name=kind.name,
                    resident=resident,
                    resident_name=resident.name,
                    purpose=purpose,
                    body=body,
                    issuing_unit=unit,
                    full_id=full_id,
                    id_reason=reason.strip(),
                    issued_by=actor.username,
                    issued_on=today,
                )
                after = audit.snapshot(cert)
                after.pop("body", None)
                audit.record(
                    actor.username,
                    audit.Action.ISSUE,
                    "certificate",
                    cert.id,
                    None,
                    after,
                    f"{kind.name} {cert.serial}",
                )
                if full_id:
                    audit.record(
                        actor.username,
                        audit.Action.REVEAL_ID,
                        "resident",
                        resident.id,
                        None,
                        None,
                        f"证明 {cert.serial} 打印完整身份证号码：{reason.strip()}",
                    )
            return cert
        except pw.IntegrityError:  # another desk took the number first: take the next
            continue
    raise CertificateError("未能取得证明编号，请重试。")


@service(Perm.CERTIFICATE_ISSUE)
def record_reprint(actor: HasRole, cert_id: int) -> Certificate:
    """A reprint of an issued certificate, same serial and text; logged, full IDs re-checked."""
    cert = Certificate.get_by_id(cert_id)
    if cert.voided:
        raise CertificateError(f"证明 {cert.serial} 已作废，不能补打。")
    if cert.full_id:
        require(actor, Perm.REVEAL_ID)
    audit.record(
        actor.username,
        audit.Action.REPRINT,
        "certificate",
        cert.id,
        None,
        None,
        f"补打 {cert.serial}",
    )
    if cert.full_id:  # the reprint shows the full number again
        audit.record(
            actor.username,
            audit.Action.REVEAL_ID,
            "resident",
            cert.__data__["resident"],
            None,
            None,
            f"补打证明 {cert.serial}（含完整身份证号码）",
        )
    return cert


@service(Perm.CERTIFICATE_ISSUE)
def void(actor: HasRole, cert_id: int, reason: str) -> Certificate:
    if not reason.strip():
        raise CertificateError("作废证明须填写原因。")
    cert = Certificate.get_by_id(cert_id)
    if cert.voided:
        return cert
    crud.void(actor, cert, reason.strip(), note=f"作废 {cert.serial}")
    return cert


@dataclass(frozen=True)
class CertificateRow:
    id: int
    serial: str
    kind_name: str
    resident_id: int
    resident_name: str
    purpose: str
    issued_by: str  # display name of the user
    issued_on: dt.date
    issued_at: dt.datetime
    full_id: bool
    voided: bool


def log(
    limit: int = 200, offset: int = 0, resident_id: int | None = None, year: int | None = None
) -> list[CertificateRow]:
    """The log of certificates issued, newest first."""
    query = Certificate.select().order_by(Certificate.id.desc())
    if resident_id is not None:
        query = query.where(Certificate.resident == resident_id)
    if year is not None:
        query = query.where(Certificate.year == year)
    names = {u.username: u.display_name for u in User.select(User.username, User.display_name)}
    return [
        CertificateRow(
            c.id,
            c.serial,
            c.kind_name,
            c.__data__["resident"],
            c.resident_name,
            c.purpose,
            names.get(c.issued_by, c.issued_by),
            c.issued_on,
            c.issued_at,
            c.full_id,
            c.voided,
        )
        for c in query.limit(limit).offset(offset)
    ]


def may_print_full_id(actor: HasRole | None) -> bool:
    return can(actor, Perm.REVEAL_ID)


def default_full_id(actor: HasRole | None) -> bool:
    """Full ID numbers only when the setting does not mask and the role may see them."""
    return may_print_full_id(actor) and not settings.get_bool("mask_ids")
