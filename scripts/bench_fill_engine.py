"""Benchmark: fill a department template (一表通) with 2,000 rows x 12 columns.

    .venv/bin/python scripts/bench_fill_engine.py [--rows 2000] [--dir /tmp/ndesk-fill-bench]

Builds a template like a department's (merged title, two-row header, 3 bordered blank rows,
a footer, a dropdown), fills it with models.fill.write.fill_workbook, and for comparison
writes the same cells with bare openpyxl (Workbook(), ws.append, save). Prints both times.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

HEADERS = [
    "序号",
    "姓名",
    "性别",
    "身份证号码",
    "出生日期",
    "民族",
    "小区",
    "楼栋",
    "门牌",
    "联系电话",
    "残疾等级",
    "备注",
]


def build_template(path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.worksheet.datavalidation import DataValidation

    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    wb = Workbook()
    ws = wb.active
    ws.title = "名单"
    ws["A1"] = "XX街道残疾人名单（  年  月）"
    ws.merge_cells("A1:L1")
    ws["A1"].font = Font(bold=True, size=16)
    ws["A2"] = "填报单位："
    for c, text in enumerate(HEADERS, start=1):
        if 7 <= c <= 9:
            ws.cell(4, c, text)
        else:
            ws.cell(3, c, text)
            ws.merge_cells(start_row=3, end_row=4, start_column=c, end_column=c)
    ws["G3"] = "现住址"
    ws.merge_cells("G3:I3")
    for r in range(3, 8):
        for c in range(1, 13):
            ws.cell(r, c).border = box
            ws.cell(r, c).alignment = Alignment(horizontal="center", vertical="center")
        ws.row_dimensions[r].height = 20
    ws["A9"] = "制表人：      审核人：      填报日期：    年  月  日"
    ws.merge_cells("A9:L9")
    dv = DataValidation(type="list", formula1='"男,女"')
    ws.add_data_validation(dv)
    dv.add("C5:C7")
    wb.save(path)


def make_rows(n: int) -> list[list[object]]:
    return [
        [
            i + 1,
            f"居民{i}",
            "男" if i % 2 else "女",
            f"6106271950{i % 10000:04d}{i % 1000:03d}X",
            dt.date(1950, 1 + i % 12, 1 + i % 28),
            "汉族",
            "西苑小区",
            f"{i % 30 + 1}号楼",
            f"{i % 6 + 1}0{i % 4 + 1}",
            f"138{i:08d}",
            "二级",
            "",
        ]
        for i in range(n)
    ]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/ndesk-fill-bench"))
    args = parser.parse_args()

    from openpyxl import Workbook

    from models.fill.layout import analyse
    from models.fill.write import fill_workbook

    shutil.rmtree(args.dir, ignore_errors=True)
    args.dir.mkdir(parents=True)
    template = args.dir / "template.xlsx"
    build_template(template)
    rows = make_rows(args.rows)

    t = time.perf_counter()
    layout = analyse(template)
    analysed = time.perf_counter() - t
    t = time.perf_counter()
    written = fill_workbook(
        template,
        layout,
        rows,
        args.dir / "filled.xlsx",
        as_of=dt.date(2026, 12, 3),
        text_columns={4, 10},
    )
    filled = time.perf_counter() - t

    t = time.perf_counter()
    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    for row in rows:
        ws.append(row)
    wb.save(args.dir / "bare.xlsx")
    bare = time.perf_counter() - t

    print(f"rows x columns: {written} x {len(layout.columns)}")
    print(f"analyse:           {analysed:.3f} s")
    print(f"fill_workbook:     {filled:.3f} s")
    print(f"bare openpyxl:     {bare:.3f} s (Workbook(), ws.append, save)")
    print(f"ratio fill / bare: {filled / bare:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
