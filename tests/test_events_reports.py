"""The brief report (简报) and the activity plan (活动方案) as PDFs."""

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest

from models.core import files
from models.events import attendance
from models.events import service as svc
from models.events.templates import create_from_template
from reports.events_brief import build_brief
from reports.events_plan import build_plan

PHOTOS = Path(__file__).resolve().parent.parent / "resources" / "demo_photos"


def _text(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def _images(pdf: Path) -> list[str]:
    out = subprocess.run(
        ["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    return out.splitlines()[2:]


def _held(clerk, key: str, day: dt.date, count: int) -> int:
    event_id = create_from_template(clerk, key, day)
    svc.record_outcome(clerk, event_id, count, "")
    return event_id


def test_brief_masthead_issue_per_year_photos_and_footer(clerk, tmp_path):
    first = _held(clerk, "clean_day", dt.date(2026, 3, 5), 40)
    second = _held(clerk, "film_night", dt.date(2026, 7, 18), 80)
    next_year = _held(clerk, "double_ninth", dt.date(2026, 10, 18), 60)
    svc.assign_brief_issue(clerk, first, dt.date(2026, 3, 6))
    svc.assign_brief_issue(clerk, second, dt.date(2026, 7, 19))
    svc.assign_brief_issue(clerk, next_year, dt.date(2027, 1, 4))  # written up after new year
    for name in ("film_night.jpg", "double_ninth.jpg"):
        attendance.add_photo(clerk, second, shutil.copy(PHOTOS / name, tmp_path / name), "放映现场")
    svc.record_outcome(
        clerk, second, 80, "7月18日晚，社区在2号门广场放映露天电影。\n居民自带板凳，秩序良好。"
    )
    svc.set_brief_options(clerk, second, "城关街道办事处", "社区各小区牵头单位", 8)
    pdf = build_brief(second, tmp_path / "brief.pdf")
    text = _text(pdf)
    for expected in (
        "南关社区工作简报",
        "第2期",
        "城关街道南关社区居民委员会",
        "2026年7月19日",
        "居民自带板凳，秩序良好",
        "放映现场",
        "报：城关街道办事处",
        "送：社区各小区牵头单位",
        "共印8份",
    ):
        assert expected in text, expected
    images = _images(pdf)
    assert len(images) == 2 and all("jpeg" in line for line in images)
    assert "第1期" in _text(build_brief(next_year, tmp_path / "b3.pdf"))
    assert "2027年1月4日" in _text(tmp_path / "b3.pdf")
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    assert any("TrueType" in line and " yes yes yes " in line for line in fonts.splitlines())


@pytest.mark.sqlite_only(
    "damages the photo file beside the SQLite file (a server's copy is rewritten)"
)
def test_brief_says_which_photo_could_not_be_read(clerk, tmp_path):
    event_id = _held(clerk, "clean_day", dt.date(2026, 3, 5), 40)
    photo_id = attendance.add_photo(
        clerk, event_id, shutil.copy(PHOTOS / "clean_day.jpg", tmp_path / "清理前.jpg")
    )
    stored = files.resolve(attendance.photos(event_id)[0].path)
    stored.write_bytes(b"damaged on disk")
    pdf = build_brief(event_id, tmp_path / "brief.pdf")
    assert "照片“清理前.jpg”无法读取" in _text(pdf).replace("\n", "")
    assert _images(pdf) == []
    assert photo_id


def test_large_and_rotated_photos_are_scaled_for_the_page(clerk, tmp_path):
    from PIL import Image

    big = tmp_path / "手机照片.jpg"
    image = Image.new("RGB", (4000, 3000), "#3a7")
    exif = image.getexif()
    exif[0x0112] = 6  # taken holding the phone upright: viewers rotate it 90°
    image.save(big, "JPEG", exif=exif, quality=70)
    event_id = _held(clerk, "clean_day", dt.date(2026, 3, 5), 40)
    attendance.add_photo(clerk, event_id, big)
    pdf = build_brief(event_id, tmp_path / "brief.pdf")
    width, height = (int(v) for v in _images(pdf)[0].split()[3:5])
    assert (width, height) == (1200, 1600)  # upright and no wider than the page needs


def test_activity_plan_sections_in_order(clerk, tmp_path):
    event_id = create_from_template(clerk, "film_night", dt.date(2026, 7, 18))
    text = _text(build_plan(event_id, tmp_path / "plan.pdf")).replace(" ", "")
    headings = [
        "一、活动目的",
        "二、时间和地点",
        "三、活动对象",
        "四、活动内容",
        "五、活动流程",
        "六、人员分工",
        "七、物资与经费预算",
        "八、前期准备",
        "九、宣传发动",
        "十、活动要求",
        "十一、安全保障与应急预案",
        "十二、活动结束",
    ]
    positions = [text.find(h) for h in headings]
    assert all(p >= 0 for p in positions) and positions == sorted(positions)
    for phrase in ("审片", "塑料凳", "视频文件损坏", "有序退场", "合计", "560.00"):
        assert phrase in text, phrase
