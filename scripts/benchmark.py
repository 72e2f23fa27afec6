"""The project's benchmark: speed and memory at the seed's scale and ten times it.

    python scripts/benchmark.py [--scales 1,10] [--repeat 5] [--out bench-results/bench.json]

Builds demo databases (cached in bench-results/data/, keyed by schema version), runs each
workload several times and prints a table of medians beside the same work done the bare way
(the floor: sqlite3, openpyxl, reportlab's canvas, an empty PySide6 window), with the ratio.
Writes the same table as JSON. Timings belong here, never in the tests. See README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import bench_workloads as wl  # noqa: E402

SEED_HOUSEHOLDS = 6554
DEMO_SEED = 20261127
NEIGHBOUR_SEED = 20261128  # another community of the seed's size, imported at 10x


def build_db(path: Path, households: int, seed: int = DEMO_SEED) -> None:
    """A demo database with the demo accounts, built in a child process and cached."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".building")
    for stale in path.parent.glob(tmp.name + "*"):
        stale.unlink()
    code = (
        f"import sys, datetime; sys.path.insert(0, {str(ROOT)!r})\n"
        "import main\n"
        "from models.core.db import close_database\n"
        "from models.migrations import open_database\n"
        "from models import demo\n"
        f"open_database({str(tmp)!r})\n"
        f"demo.generate(households={households}, seed={seed},"
        " as_of=datetime.date(2026, 11, 27))\n"
        "main.demo_accounts()\n"
        "close_database()\n"
    )
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    print(f"  built {households} households in {time.perf_counter() - start:.1f} s", flush=True)
    # Fold the WAL into the file so that copies of it are self-contained.
    con = sqlite3.connect(tmp)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.execute("PRAGMA journal_mode=DELETE")
    con.close()
    tmp.rename(path)


def seed_workbook(data: Path, version: int, factor: int) -> Path:
    """The workbook to import: at 1x the seed community's own export (into an empty
    database); beyond, a neighbouring community of the seed's size whose household numbers
    are new to the district (N0100001 …), imported into the district's database."""
    from models.core.db import close_database
    from models.migrations import open_database
    from models.registry.workbook import export as workbook_export

    seed = DEMO_SEED if factor == 1 else NEIGHBOUR_SEED
    book = data / f"seed-{'own' if factor == 1 else 'neighbour'}-v{version}.xlsx"
    if book.exists():
        return book
    db = (
        data / f"demo-1x-v{version}.sqlite3"
        if factor == 1
        else data / f"neighbour-v{version}.sqlite3"
    )
    build_db(db, SEED_HOUSEHOLDS, seed)
    if factor != 1:
        con = sqlite3.connect(db)
        with con:
            con.execute(
                "UPDATE household SET household_no = 'N' || household_no"
                " WHERE household_no NOT LIKE 'N%'"
            )
        con.close()
    open_database(db)
    workbook_export.export_register(wl.Actor(), book)
    close_database()
    return book


def print_table(rows: list[wl.Row]) -> None:
    header = (
        f"{'scale':<6} {'workload':<44} {'median':>11} {'floor':>9} {'ratio':>6}  target / floor is"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        floor = f"{r.floor:.2f}" if r.floor is not None else "-"
        ratio = f"{r.ratio:.2f}" if r.ratio is not None else "-"
        print(
            f"{r.scale:<6} {r.workload:<44} {r.value:>8.2f} {r.unit:<2} {floor:>9} {ratio:>6}"
            f"  {r.target or ''}{' / ' if r.target and r.floor_name else ''}{r.floor_name}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1,10", help="multiples of the seed's 6,554 households")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ROOT / "bench-results" / "bench.json")
    args = parser.parse_args()
    from models.migrations import LATEST

    data = args.out.parent / "data"
    data.mkdir(parents=True, exist_ok=True)
    rows: list[wl.Row] = []
    started = time.perf_counter()
    for factor in [int(s) for s in args.scales.split(",")]:
        scale = f"{factor}x"
        cached = data / f"demo-{factor}x-v{LATEST}.sqlite3"
        print(f"[{scale}] {SEED_HOUSEHOLDS * factor:,} households", flush=True)
        build_db(cached, SEED_HOUSEHOLDS * factor)
        book = seed_workbook(data, LATEST, factor)
        # The workloads write (audit rows of printing and exporting): they get a copy.
        db = data / f"run-{factor}x.sqlite3"
        for stale in data.glob(f"{db.name}*"):
            stale.unlink()
        shutil.copyfile(cached, db)
        search = wl.search(scale, db, args.repeat)
        house = wl.household(scale, db, args.repeat)
        print(f"  search and households done ({time.perf_counter() - started:.0f} s)", flush=True)
        rows += wl.window(scale, db, args.repeat, data, search[1].floor or 0)
        rows += search + house
        print(f"  window done ({time.perf_counter() - started:.0f} s)", flush=True)
        rows += wl.workbook(scale, db, args.repeat, data, book)
        print(f"  workbook done ({time.perf_counter() - started:.0f} s)", flush=True)
        rows += wl.reports(scale, db, args.repeat, data)
        rows += wl.backup(scale, db, args.repeat, data)
        rows += wl.fill(scale, db, args.repeat, data)
        print(f"  reports and backup done ({time.perf_counter() - started:.0f} s)", flush=True)
    rows.sort(key=lambda r: (int(r.scale[:-1]), int(r.workload.split(".")[0])))  # stable
    print()
    print_table(rows)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, text=True, capture_output=True
    ).stdout.strip()
    args.out.write_text(
        json.dumps(
            {
                "machine": {
                    "python": platform.python_version(),
                    "cpus": os.cpu_count(),
                    "platform": platform.platform(),
                },
                "commit": commit,
                "date": dt.datetime.now().isoformat(timespec="seconds"),
                "repeat": args.repeat,
                "seconds": round(time.perf_counter() - started),
                "rows": [asdict(r) | {"ratio": r.ratio} for r in rows],
            },
            ensure_ascii=False,
            indent=1,
        ),
        encoding="utf-8",
    )
    print(f"\nJSON: {args.out}  ({time.perf_counter() - started:.0f} s in all)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
