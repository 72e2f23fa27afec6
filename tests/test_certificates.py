"""Certificates: kinds, the forbidden list, serial numbers, the log, ID masking, printing."""

from __future__ import annotations

import datetime as dt
import re

import pdf_tools
import pytest

from models.certificates import service as certificates
from models.certificates.service import Certificate, CertificateError, CertificateKind
from models.core import idcard
from models.core.entities import AuditLog, Resident
from models.core.permissions import PermissionDenied
from reports.certificate import build_certificate

TODAY = dt.date(2026, 11, 27)


@pytest.fixture
def person(demo_small):
    return Resident.select().where(Resident.status == "current").first()


@pytest.fixture
def residence(db):
    return next(k for k in certificates.list_kinds() if k.name == "居住证明")


def test_residence_certificate_is_shipped(db):
    kinds = certificates.list_kinds()
    assert [k.name for k in kinds] == ["居住证明"]
    assert certificates.forbidden_reason("居住证明") is None
    assert AuditLog.select().where(AuditLog.table_name == "certificate_kind").count() == 1
    certificates.list_kinds()
    assert CertificateKind.select().count() == 1  # seeded once


def test_issuing_twice_gives_two_serials_and_two_log_rows(person, residence, clerk):
    first = certificates.issue(clerk, person.id, residence.id, "办理居住证", today=TODAY)
    second = certificates.issue(clerk, person.id, residence.id, "办理居住证", today=TODAY)
    assert (first.serial, second.serial) == ("2026-0001", "2026-0002")
    log = certificates.log()
    assert [r.serial for r in log] == ["2026-0002", "2026-0001"]
    assert all(
        r.resident_id == person.id and r.issued_by == "李晓梅" and r.kind_name == "居住证明"
        for r in log
    )
    issued = AuditLog.select().where(
        (AuditLog.table_name == "certificate") & (AuditLog.action == "issue")
    )
    assert issued.count() == 2 and {a.username for a in issued} == {"clerk"}
    # The serial counts per year.
    nxt = certificates.issue(clerk, person.id, residence.id, "子女入学", today=dt.date(2027, 1, 4))
    assert nxt.serial == "2027-0001"
    assert certificates.log(year=2026)[0].serial == "2026-0002"


def test_text_is_from_the_record_with_the_id_masked(person, residence, clerk, tmp_path):
    cert = certificates.issue(clerk, person.id, residence.id, "办理居住证", today=TODAY)
    assert person.name in cert.body and idcard.mask(person.id_number) in cert.body
    assert person.id_number not in cert.body and "办理居住证" in cert.body
    path = build_certificate(tmp_path / "c.pdf", cert.id)
    text = pdf_tools.text(path, layout=False).replace("\n", "")
    assert "居住证明" in text and "编号：2026-0001" in text and person.name in text
    assert idcard.mask(person.id_number) in text
    assert not re.search(r"\d{17}[\dX]", text)  # no full ID number anywhere
    assert "2026年11月27日" in text and "城关街道南关社区居民委员会" in text
    assert all(f.embedded for f in pdf_tools.fonts(path))
    # A later change to the record does not change an issued certificate.
    person.name = "改名后"
    person.save()
    assert "改名后" not in pdf_tools.text(build_certificate(tmp_path / "again.pdf", cert.id))


def test_full_id_needs_the_role_and_a_reason(person, residence, clerk, officer):
    with pytest.raises(PermissionDenied):
        certificates.issue(
            clerk, person.id, residence.id, "办理居住证", full_id=True, reason="需要"
        )
    with pytest.raises(CertificateError, match="理由"):
        certificates.issue(officer, person.id, residence.id, "办理居住证", full_id=True)
    cert = certificates.issue(
        officer, person.id, residence.id, "办理居住证", full_id=True, reason="派出所要求完整号码"
    )
    assert person.id_number in cert.body and cert.full_id
    reveal = AuditLog.get((AuditLog.action == "reveal_id") & (AuditLog.table_name == "resident"))
    assert reveal.record_id == str(person.id) and "派出所要求完整号码" in reveal.note
    # Reprinting a full-ID certificate needs the same right.
    with pytest.raises(PermissionDenied):
        certificates.record_reprint(clerk, cert.id)
    certificates.record_reprint(officer, cert.id)
    assert AuditLog.select().where(AuditLog.action == "reprint").count() == 1


@pytest.mark.parametrize(
    "name",
    [
        "亲属关系证明",
        "未婚证明",
        "单身证明",
        "出生证明",
        "死亡证明",
        "健在证明",
        "残疾证明",
        "无业证明",
        "房产证明",
        "身份证遗失证明",
        "无犯罪记录证明",
        "独生子女证明",
    ],
)
def test_forbidden_kinds_are_refused_even_for_an_admin(admin, name):
    with pytest.raises(CertificateError, match="不再出具") as info:
        certificates.add_kind(admin, name, "兹证明{name}。")
    assert "2020" in str(info.value)
    assert not CertificateKind.select().where(CertificateKind.name == name).exists()


def test_a_forbidden_kind_cannot_be_enabled_renamed_to_or_issued(admin, person):
    allowed = certificates.add_kind(
        admin, "社区志愿服务证明", "兹证明{name}参加社区志愿服务。", "居民申请"
    )
    with pytest.raises(CertificateError, match="不再出具"):
        certificates.update_kind(admin, allowed.id, name="亲属关系证明")
    assert CertificateKind.get_by_id(allowed.id).name == "社区志愿服务证明"
    # A row that slipped in by other means (an old version, a hand edit) stays unusable.
    smuggled = CertificateKind.create(name="婚姻状况证明", body="兹证明{name}未婚。", enabled=False)
    with pytest.raises(CertificateError, match="不再出具"):
        certificates.update_kind(admin, smuggled.id, enabled=True)
    with pytest.raises(CertificateError, match="不再出具"):
        certificates.issue(admin, person.id, smuggled.id, "相亲")
    assert Certificate.select().count() == 0


def test_kinds_need_the_kinds_permission_and_a_valid_text(admin, clerk, supervisor, person):
    with pytest.raises(PermissionDenied):
        certificates.add_kind(clerk, "志愿服务证明", "兹证明{name}。")
    with pytest.raises(PermissionDenied):
        certificates.add_kind(supervisor, "志愿服务证明", "兹证明{name}。")
    with pytest.raises(CertificateError, match="未知的填充项"):
        certificates.add_kind(admin, "志愿服务证明", "兹证明{姓名}。")
    kind = certificates.add_kind(
        admin,
        "志愿服务证明",
        "兹证明{name}于本社区参加志愿服务，用于{purpose}。",
        "《志愿服务条例》第十九条",
    )
    cert = certificates.issue(clerk, person.id, kind.id, "评优", today=TODAY)
    assert cert.body == f"兹证明{person.name}于本社区参加志愿服务，用于评优。"
    certificates.update_kind(admin, kind.id, enabled=False)
    assert kind.id not in [k.id for k in certificates.list_kinds()]
    with pytest.raises(CertificateError, match="停用"):
        certificates.issue(clerk, person.id, kind.id, "评优")


def test_issue_checks_purpose_and_status_and_void_is_kept(person, residence, clerk):
    with pytest.raises(CertificateError, match="用途"):
        certificates.issue(clerk, person.id, residence.id, "  ")
    gone = Resident.select().where(Resident.id != person.id).first()
    gone.status = "moved_out"
    gone.save()
    with pytest.raises(CertificateError, match="已迁出"):
        certificates.issue(clerk, gone.id, residence.id, "办理居住证")
    cert = certificates.issue(clerk, person.id, residence.id, "办理居住证")
    with pytest.raises(CertificateError, match="原因"):
        certificates.void(clerk, cert.id, "")
    certificates.void(clerk, cert.id, "姓名写错")
    row = certificates.log()[0]
    assert row.voided and Certificate.select().count() == 1
    with pytest.raises(CertificateError, match="作废"):
        certificates.record_reprint(clerk, cert.id)
    again = certificates.issue(clerk, person.id, residence.id, "办理居住证")
    assert again.number == cert.number + 1  # a voided number is never reused
