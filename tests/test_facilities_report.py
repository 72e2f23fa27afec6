"""The compliance report: Chinese text, the gap, the hazards and their photos, fonts embedded."""

import shutil
import subprocess

import pytest

from models.core.permissions import PermissionDenied
from models.facilities.centre import list_centres
from reports.facilities_compliance import build_compliance_report
from tests.conftest import AS_OF

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")


def _run(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True, timeout=60).stdout


def test_compliance_report_of_the_demo_centre(admin, demo_small, tmp_path):
    nanguan = list_centres()[0]
    path = build_compliance_report(admin, nanguan.id, tmp_path / "达标报告.pdf", as_of=AS_OF)
    text = "".join(_run("pdftotext", str(path), "-").split())  # table cells wrap anywhere
    assert "南关社区综合服务中心建设达标情况报告" in text
    assert "截至2026年11月27日" in text
    for part in (
        "建设标准",
        "现状与差距",
        "服务用房面积",
        "设备缺口",
        "安全隐患及整改情况",
        "现状照片",
    ):
        assert part in text
    assert "图书室" in text and "文体活动指导站" in text and "缺失" in text
    assert "面积缺口" in text and "逾期15天" in text and "待整改" in text  # cells wrap
    assert "已整改" in text
    assert "木板" in text and "插线板" in text
    fonts = _run("pdffonts", str(path))
    cjk = [line for line in fonts.splitlines() if "TrueType" in line]
    assert cjk and all(" yes yes " in line for line in cjk)
    # The hazards' photos (wooden partitions, power strip, the socket before and after) and
    # the spaces' photos are in the document.
    images = _run("pdfimages", "-list", str(path)).splitlines()[2:]
    assert len(images) >= 8


def test_report_needs_the_print_right(admin, demo_small, tmp_path):
    nobody = type("Visitor", (), {"username": "guest", "role": "visitor"})()
    with pytest.raises(PermissionDenied):
        build_compliance_report(nobody, list_centres()[0].id, tmp_path / "x.pdf", as_of=AS_OF)
    assert not (tmp_path / "x.pdf").exists()


def test_command_line_prints_the_report_and_swaps_the_standard(tmp_path, capsys):
    import json

    import main
    from models.core.db import close_database
    from models.facilities.entities import FacilityStandard

    db = str(tmp_path / "desk.sqlite3")
    assert main.main(["demo", "--db", db, "--households", "40"]) == 0
    close_database()
    out, template = tmp_path / "报告.pdf", tmp_path / "标准.json"
    assert (
        main.main(
            [
                "facilities",
                "--db",
                db,
                "--report",
                str(out),
                "--as-of",
                "2026-11-27",
                "--export-standard",
                str(template),
            ]
        )
        == 0
    )
    assert out.read_bytes()[:5] == b"%PDF-"
    assert "南关社区综合服务中心" in capsys.readouterr().out
    close_database()
    data = json.loads(template.read_text(encoding="utf-8"))
    data["name"] = "某省标准"
    data["items"].append(
        {"code": "elderly", "kind": "room", "name": "老年人日间照料室", "min_area": 60}
    )
    template.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert main.main(["facilities", "--db", db, "--load-standard", str(template)]) == 0
    assert "9项" in capsys.readouterr().out
    assert FacilityStandard.get(FacilityStandard.active == True).name == "某省标准"  # noqa: E712
    close_database()
    assert main.main(["facilities", "--db", db, "--report", str(out), "--centre", "无此中心"]) == 1
    assert "没有找到服务中心" in capsys.readouterr().err
    close_database()
