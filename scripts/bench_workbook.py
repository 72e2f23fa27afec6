"""Benchmark: export the demo community as a workbook, then import it into an empty database.

    .venv/bin/python scripts/bench_workbook.py [--households 6554] [--dir /tmp/ndesk-bench]

Prints the seconds for each step (target: the import under 15 s at the seed's size) and
checks that the imported register has the same households and residents.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


class _Actor:
    username = "bench"
    role = "admin"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=6554)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/ndesk-bench"))
    args = parser.parse_args()

    from models import demo
    from models.core.db import close_database
    from models.core.entities import Household, Resident, ResidentTag
    from models.migrations import open_database
    from models.registry.workbook import export as workbook_export
    from models.registry.workbook import importer as workbook_import

    shutil.rmtree(args.dir, ignore_errors=True)
    args.dir.mkdir(parents=True)
    open_database(args.dir / "demo.sqlite3")
    t = time.perf_counter()
    made = demo.generate(households=args.households)
    print(
        f"demo community: {made.households} households, {made.residents} residents "
        f"({time.perf_counter() - t:.1f} s)"
    )
    book = args.dir / "register.xlsx"
    t = time.perf_counter()
    summary = workbook_export.export_register(_Actor(), book)
    open_tags = (
        ResidentTag.select()
        .join(Resident)
        .join(Household)
        .where(ResidentTag.end_date.is_null() & (Household.archived == False))
        .count()
    )  # noqa: E712
    print(
        f"export: {summary.residents} rows, {book.stat().st_size / 1e6:.1f} MB, "
        f"{time.perf_counter() - t:.2f} s"
    )
    close_database()

    open_database(args.dir / "empty.sqlite3")
    t = time.perf_counter()
    pv = workbook_import.preview(_Actor(), book)
    read = time.perf_counter() - t
    result = workbook_import.apply(_Actor(), pv)
    total = time.perf_counter() - t
    print(
        f"import into an empty database: {total:.2f} s (read and check {read:.2f} s, "
        f"write {total - read:.2f} s); {result.new_households} households, "
        f"{result.new_residents} residents, {len(result.rejected)} rejected"
    )
    # Archived households (the demo's moved-out ones) are not exported.
    assert (Household.select().count(), Resident.select().count()) == (
        summary.households,
        summary.residents,
    )
    assert ResidentTag.select().count() == open_tags == result.tags_added, "special groups lost"
    print(f"special-group tags carried over: {result.tags_added}")
    t = time.perf_counter()
    again = workbook_import.import_file(_Actor(), book)
    print(
        f"the same file again: {time.perf_counter() - t:.2f} s; "
        f"{again.new_residents} new, {again.updated_residents} updated, "
        f"{again.tags_added + again.tags_changed + again.tags_ended} tag changes"
    )
    close_database()
    return 0


if __name__ == "__main__":
    sys.exit(main())
