"""Benchmark: peak memory and time of the import preview for the worst malformed files (issue 19).

    .venv/bin/python scripts/bench_import_memory.py [--dir /tmp/ndesk-bench-mem] [NAME ...]

Builds each file of the bad-file corpus (tests/test_import_bad_files.py) plus a valid register
and runs the preview of each in a fresh subprocess, so that one file's peak does not hide
another's: prints the process's peak RSS (resource.getrusage; Linux reports KiB), the peak of
Python allocations during the preview (tracemalloc) and the seconds, and what the preview
answered (rows read, or the start of the sentence). No target is asserted: the figures are
for the issue ("bounded memory", "within seconds").
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

# The heaviest shapes of the corpus first; "valid_xlsx"/"valid_csv" are the baseline.
DEFAULT = [
    "valid_xlsx",
    "valid_csv",
    "huge_merge_xlsx",
    "long_cell_xlsx",
    "long_cell_csv",
    "late_nul_csv",
    "crc_deflated_xlsx",
    "broken_xml_xlsx",
    "bad_cell_values_xlsx",
    "utf16_no_bom_csv",
    "random_xls",
    "damaged_ole_xls",
    "fuzz_widest_csv",
]


class _Actor:
    username = "bench"
    role = "admin"


def _build(name: str, folder: Path) -> Path:
    import test_import_bad_files as bad

    if name == "valid_xlsx":
        return bad._xlsx(folder / "valid.xlsx")
    if name == "valid_csv":
        path = folder / "valid.csv"
        path.write_text(bad._csv_text(), encoding="utf-8")
        return path
    if name == "fuzz_widest_csv":
        # The largest draw tests/test_import_fuzz.py can make: six rows of twelve cells of
        # 70,000 characters (under csv's field limit, over Excel's 32,767), in UTF-16.
        path = folder / "widest.csv"
        rows = [bad.HEADER, *bad.ROWS] + [["王" * 70_000] * 12 for _ in range(6)]
        path.write_bytes(("\r\n".join(",".join(r) for r in rows) + "\r\n").encode("utf-16"))
        return path
    return getattr(bad, name)(folder)


def child(name: str, folder: Path) -> dict[str, object]:
    """Runs in the subprocess: build one file, preview it, measure."""
    import resource
    import time
    import tracemalloc

    from models.core.db import close_database
    from models.migrations import open_database
    from models.registry.workbook import importer as workbook_import

    folder.mkdir(parents=True, exist_ok=True)
    path = _build(name, folder)
    open_database(folder / "bench.sqlite3")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    start = time.perf_counter()
    try:
        pv = workbook_import.preview(_Actor(), path)
        answer = f"read {len(pv.rows)} rows"
    except workbook_import.WorkbookReadError as exc:
        answer = f"sentence: {str(exc)[:60]}"
    seconds = time.perf_counter() - start
    _, traced = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    close_database()
    return {
        "name": name,
        "size_kb": path.stat().st_size / 1024,
        "seconds": seconds,
        "peak_rss_mb": after / 1024,
        "rss_growth_mb": (after - before) / 1024,
        "traced_peak_mb": traced / 2**20,
        "answer": answer,
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("names", nargs="*", default=DEFAULT)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/ndesk-bench-mem"))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.dir / args.child), ensure_ascii=False))
        return 0
    shutil.rmtree(args.dir, ignore_errors=True)
    print(
        f"{'file':22} {'size KB':>9} {'s':>6} {'peak RSS MB':>12} {'+RSS MB':>8} "
        f"{'py peak MB':>11}  answer"
    )
    for name in args.names:
        out = subprocess.run(
            [sys.executable, __file__, "--dir", str(args.dir), "--child", name],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=False,
        )
        if out.returncode:
            print(f"{name:22} failed: {out.stderr.strip().splitlines()[-1:]}")
            continue
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(
            f"{r['name']:22} {r['size_kb']:9.0f} {r['seconds']:6.2f} {r['peak_rss_mb']:12.1f} "
            f"{r['rss_growth_mb']:8.1f} {r['traced_peak_mb']:11.1f}  {r['answer']}"
        )
    shutil.rmtree(args.dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
