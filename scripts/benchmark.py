"""The project's benchmark: speed and memory at the seed's scale and ten times it.

    python scripts/benchmark.py [--scales 1,10] [--repeat 5] [--out bench-results/bench.json]

Builds demo databases (cached in bench-results/data/), runs each workload several times and
prints a table of medians beside the same work done the bare way (the floor), with the ratio.
Writes the same table as JSON. Timings belong here, never in the tests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SEED_HOUSEHOLDS = 6554
AS_OF = dt.date(2026, 11, 27)


@dataclass
class Row:
    scale: str
    workload: str
    value: float
    unit: str
    floor: float | None = None
    floor_name: str = ""
    target: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.floor in (None, 0):
            return None
        return self.value / self.floor


def median_time(func: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


# -- data --------------------------------------------------------------------------------
def build_db(path: Path, households: int) -> None:
    """A demo database with the demo accounts, cached between runs."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".building")
    for stale in path.parent.glob(tmp.name + "*"):
        stale.unlink()
    code = (
        f"import sys, datetime; sys.path.insert(0, {str(ROOT)!r})\n"
        "import main\n"
        "from models.db import open_database, close_database\n"
        "from models import demo\n"
        f"open_database({str(tmp)!r})\n"
        f"demo.generate(households={households}, as_of=datetime.date(2026, 11, 27))\n"
        "main.demo_accounts()\n"
        "close_database()\n"
    )
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    print(f"  built {households} households in {time.perf_counter() - start:.1f} s", flush=True)
    # Fold the WAL into the file so the copy is self-contained.
    con = sqlite3.connect(tmp)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.execute("PRAGMA journal_mode=DELETE")
    con.close()
    tmp.rename(path)


# -- workloads ---------------------------------------------------------------------------
def bench_start(scale: str, db: Path, repeat: int) -> list[Row]:
    def child(args: list[str]) -> dict:
        out = subprocess.run([sys.executable, str(ROOT / "scripts" / "bench_window.py"), *args],
                             check=True, capture_output=True, text=True)
        return json.loads(out.stdout.strip().splitlines()[-1])

    full = [child([str(db)]) for _ in range(repeat)]
    bare = [child(["--bare"]) for _ in range(repeat)]
    start = statistics.median(r["start_s"] for r in full)
    bare_start = statistics.median(r["start_s"] for r in bare)
    peak = statistics.median(r["peak_mb"] for r in full)
    bare_peak = statistics.median(r["peak_mb"] for r in bare)
    return [
        Row(scale, "1. start to usable main window", start, "s", bare_start,
            "empty PySide6 window", "< 2 s"),
        Row(scale, "7. peak memory, window with register", peak, "MB", bare_peak,
            "empty PySide6 window", "< 300 MB"),
    ]


KEYSTROKES = {
    "name": ["王", "王建"],
    "pinyin initials": ["w", "wj", "wjg"],
    "ID last digits": ["1", "12", "123", "1234"],
    "phone": ["1", "13", "138", "1380"],
}


def bench_search(scale: str, db: Path, repeat: int) -> list[Row]:
    from models import search
    from models.db import close_database, open_database

    open_database(db)
    per_key: list[float] = []
    for _ in range(repeat):
        for strokes in KEYSTROKES.values():
            for text in strokes:
                start = time.perf_counter()
                search.search(text, limit=100)
                per_key.append(time.perf_counter() - start)
    close_database()

    # The floor: one hand-written query per keystroke through sqlite3, same page size.
    con = sqlite3.connect(db)
    floor: list[float] = []
    sql = (
        "SELECT r.id, r.name, r.id_number, h.household_no FROM resident r "
        "LEFT JOIN household h ON h.id = r.household_id "
        "WHERE r.status = 'current' AND (r.name LIKE ? OR r.pinyin_initials LIKE ? "
        "OR r.id_number LIKE ? OR r.phone LIKE ?) ORDER BY h.household_no LIMIT 100"
    )
    for _ in range(repeat):
        for strokes in KEYSTROKES.values():
            for text in strokes:
                start = time.perf_counter()
                con.execute(sql, (f"%{text}%", f"{text}%", f"%{text}%", f"%{text}%")).fetchall()
                floor.append(time.perf_counter() - start)
    con.close()
    return [
        Row(scale, "2. search per keystroke, median", statistics.median(per_key) * 1000, "ms",
            statistics.median(floor) * 1000, "one SQL query via sqlite3"),
        Row(scale, "2. search per keystroke, p95", percentile(per_key, 95) * 1000, "ms",
            percentile(floor, 95) * 1000, "one SQL query via sqlite3", "< 50 ms"),
    ]


def bench_backup(scale: str, db: Path, repeat: int, work: Path) -> list[Row]:
    from models.db import close_database, open_database, sqlite_backup

    database = open_database(db)
    target = work / "backup.sqlite3"

    def ours() -> None:
        target.unlink(missing_ok=True)
        sqlite_backup(database, target)

    value = median_time(ours, repeat)
    close_database()

    def bare() -> None:
        target.unlink(missing_ok=True)
        src = sqlite3.connect(db)
        dst = sqlite3.connect(target)
        src.backup(dst)
        dst.close()
        src.close()

    floor = median_time(bare, repeat)
    target.unlink(missing_ok=True)
    return [Row(scale, "6. backup", value, "s", floor, "sqlite3 backup API")]


def bench_household(scale: str, db: Path, repeat: int) -> list[Row]:
    """Open a household: its members and the history of the household and each member."""
    import random

    from models import households, life_events
    from models.db import close_database, open_database
    from models.entities import Household

    open_database(db)
    ids = [h.id for h in Household.select(Household.id).where(Household.archived == False)]  # noqa: E712
    picks = random.Random(1).sample(ids, 50)

    def ours() -> None:
        for hid in picks:
            detail = households.detail(hid)
            life_events.household_history(hid)
            for member in detail.members:
                life_events.history(member.id)

    value = median_time(ours, repeat) / len(picks)
    close_database()
    con = sqlite3.connect(db)

    def bare() -> None:
        for hid in picks:
            con.execute("SELECT h.*, c.name FROM household h JOIN compound c ON c.id = h.compound_id "
                        "WHERE h.id = ?", (hid,)).fetchall()
            members = con.execute("SELECT * FROM resident WHERE household_id = ? "
                                  "ORDER BY relation, birth_date, id", (hid,)).fetchall()
            con.execute("SELECT * FROM life_event WHERE household_id = ? ORDER BY event_date",
                        (hid,)).fetchall()
            for member in members:
                con.execute("SELECT * FROM life_event WHERE resident_id = ? ORDER BY event_date",
                            (member[0],)).fetchall()

    floor = median_time(bare, repeat) / len(picks)
    con.close()
    return [Row(scale, "3. open a household with members, history", value * 1000, "ms",
                floor * 1000, "the same rows via sqlite3")]


def bench_reports(scale: str, db: Path, repeat: int, work: Path) -> list[Row]:
    """The monthly report PDF and the full household-form printout (one page a household)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from models import printouts, stats
    from models.db import close_database, open_database
    from reports.fonts import register_pdf_font
    from reports.household_form import build_household_forms
    from reports.monthly import build_monthly_report

    open_database(db)
    month = stats.Month(2026, 10)
    monthly_s = median_time(lambda: build_monthly_report(work / "monthly.pdf", month), repeat)
    sheets = printouts.household_sheets(_BenchActor())
    form_repeat = 1 if len(sheets) > 20000 else max(1, min(repeat, 2))
    forms_s = median_time(lambda: build_household_forms(work / "forms.pdf", sheets), form_repeat)
    close_database()
    font = register_pdf_font()

    def bare_pages(count: int, lines_per_page: int, target: Path) -> None:
        # The floor: as many pages with as many lines of Chinese text, drawn with bare reportlab.
        c = canvas.Canvas(str(target), pagesize=A4)
        for page in range(count):
            c.setFont(font, 10.5)
            for line in range(lines_per_page):
                c.drawString(80, 760 - line * 16, f"第{page + 1}页 王建国 6106**********1234 户主 南关小区3号楼2单元301")
            c.showPage()
        c.save()

    monthly_pages = _pdf_pages(work / "monthly.pdf")
    bare_monthly = median_time(lambda: bare_pages(monthly_pages, 40, work / "bare-m.pdf"), repeat)
    bare_forms = median_time(lambda: bare_pages(len(sheets), 12, work / "bare-f.pdf"), form_repeat)
    return [
        Row(scale, "5. monthly report PDF", monthly_s, "s", bare_monthly,
            f"{monthly_pages} pages of text, bare reportlab", "< 3 s"),
        Row(scale, f"5. household forms, {len(sheets)} pages", forms_s, "s", bare_forms,
            "as many pages of text, bare reportlab"),
    ]


def _pdf_pages(path: Path) -> int:
    # reportlab writes one "/Type /Page" object per page (and "/Type /Pages" for the tree).
    import re

    return len(re.findall(rb"/Type /Page[^s]", path.read_bytes()))


class _BenchActor:
    username = "bench"
    role = "admin"


def bench_workbook(scale: str, db: Path, repeat: int, work: Path) -> list[Row]:
    """Export the register, import it into an empty database; floors: bare openpyxl."""
    import openpyxl

    from models import workbook_export, workbook_import
    from models.db import close_database, open_database

    book = work / f"register-{scale}.xlsx"
    open_database(db)
    rows_out = [tuple(r) for r in workbook_export._rows()]  # the same cells, for the floor
    export_s = median_time(lambda: workbook_export.export_register(_BenchActor(), book), repeat)
    close_database()

    def bare_write() -> None:
        wb = openpyxl.Workbook(write_only=True)
        ws = wb.create_sheet("花名册")
        for row in rows_out:
            ws.append(list(row))
        wb.save(work / "bare.xlsx")

    bare_write_s = median_time(bare_write, repeat)

    def ours_import() -> None:
        target = work / "import-target.sqlite3"
        for stale in work.glob("import-target.sqlite3*"):
            stale.unlink()
        open_database(target)
        workbook_import.import_file(_BenchActor(), book)
        close_database()

    def bare_read() -> None:
        wb = openpyxl.load_workbook(book, read_only=True)
        for ws in wb.worksheets:
            for _row in ws.iter_rows(values_only=True):
                pass
        wb.close()

    import_repeat = max(1, min(repeat, 3))
    import_s = median_time(ours_import, import_repeat)
    bare_read_s = median_time(bare_read, import_repeat)
    result = [
        Row(scale, "4. export register workbook", export_s, "s", bare_write_s,
            "bare openpyxl write of the same rows"),
        Row(scale, "4. import register workbook", import_s, "s", bare_read_s,
            "bare openpyxl read of the same file", "< 15 s at 1x"),
    ]
    soffice = shutil.which("soffice")
    if soffice:
        # What clerks use today: the workbook opened (and searchable) in LibreOffice.
        def libreoffice() -> None:
            subprocess.run([soffice, "--headless", "--convert-to", "csv", "--outdir",
                            str(work / "lo"), str(book)], check=True, capture_output=True,
                           timeout=600)

        result.append(Row(scale, "4. LibreOffice opens the workbook (today)",
                          median_time(libreoffice, import_repeat), "s", bare_read_s,
                          "bare openpyxl read of the same file"))
    return result


# -- report --------------------------------------------------------------------------------
def print_table(rows: list[Row]) -> None:
    header = f"{'scale':<6} {'workload':<42} {'median':>10} {'floor':>10} {'ratio':>6}  target / floor is"
    print(header)
    print("-" * len(header))
    for r in rows:
        floor = f"{r.floor:.2f}" if r.floor is not None else "-"
        ratio = f"{r.ratio:.2f}" if r.ratio is not None else "-"
        print(f"{r.scale:<6} {r.workload:<42} {r.value:>8.2f}{r.unit:>2} {floor:>10} {ratio:>6}"
              f"  {r.target or ''}{' / ' if r.target and r.floor_name else ''}{r.floor_name}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1,10", help="multiples of the seed's 6,554 households")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ROOT / "bench-results" / "bench.json")
    args = parser.parse_args()
    data = args.out.parent / "data"
    rows: list[Row] = []
    for factor in [int(s) for s in args.scales.split(",")]:
        scale = f"{factor}x"
        from models.migrations import LATEST

        # Keyed by schema version: a cached database from an older schema is rebuilt.
        db = data / f"demo-{factor}x-v{LATEST}.sqlite3"
        print(f"[{scale}] {SEED_HOUSEHOLDS * factor} households", flush=True)
        build_db(db, SEED_HOUSEHOLDS * factor)
        rows += bench_start(scale, db, args.repeat)
        rows += bench_search(scale, db, args.repeat)
        rows += bench_backup(scale, db, args.repeat, data)
        rows += bench_household(scale, db, args.repeat)
        rows += bench_reports(scale, db, args.repeat, data)
        rows += bench_workbook(scale, db, args.repeat, data)
    print()
    print_table(rows)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(
        {"machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                     "platform": platform.platform()},
         "rows": [asdict(r) | {"ratio": r.ratio} for r in rows]},
        ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"\nJSON: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
