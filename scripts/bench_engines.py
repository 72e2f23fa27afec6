"""SQLite and PostgreSQL side by side: search, a household opened, an import and the monthly
report on the same register (issue 17).

    python scripts/bench_engines.py [--scales 1,10] [--repeat 3] [--pg URL]
                                    [--out bench-results/engines.json]

The register is the benchmark's demo database (scripts/benchmark.py builds and caches it);
the server copy is made from it with `main.py migrate-to` (models/core/migrate_to.py), so both
engines answer for exactly the same rows. Without --pg a throwaway cluster is started with
scripts/pg_cluster.sh and stopped at the end. Each server workload that writes (the import)
runs on a fresh copy made with CREATE DATABASE … TEMPLATE. Timings belong here, never in tests.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import bench_workloads as wl  # noqa: E402
import benchmark  # noqa: E402


def with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def admin(url: str):
    import psycopg2

    from models.core.db import parse_postgres_url

    params = parse_postgres_url(url)
    con = psycopg2.connect(dbname=params.pop("database"), **params)
    con.autocommit = True
    return con


def recreate(base: str, name: str, template: str | None = None) -> str:
    """A database *name* beside *base* (a copy of *template* when given), made afresh."""
    con = admin(base)
    with con.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        extra = f' TEMPLATE "{template}"' if template else ""
        cur.execute(f"CREATE DATABASE \"{name}\"{extra} ENCODING 'UTF8'")
    con.close()
    return with_database(base, name)


def server_copy(base: str, sqlite_file: Path, name: str) -> str:
    """The SQLite register copied onto the server by the migrate-to service."""
    from models.core.db import close_database
    from models.core.migrate_to import migrate_to

    url = recreate(base, name)
    start = time.perf_counter()
    migrate_to(sqlite_file, url, username="bench")
    close_database()
    print(f"  copied to the server in {time.perf_counter() - start:.1f} s", flush=True)
    return url


def search_times(target, typed: list[str], repeat: int) -> tuple[float, float, dict]:
    from models.core.db import close_database
    from models.migrations import open_database
    from models.registry import search as service

    open_database(target)
    times: list[float] = []
    found: dict[str, list[int]] = {}
    for _ in range(repeat):
        for text in typed:
            service.clear_cache()
            start = time.perf_counter()
            rows = service.search(text, limit=200)
            times.append(time.perf_counter() - start)
            found[text] = [r.id for r in rows]
    close_database()
    return statistics.median(times) * 1000, wl.percentile(times, 95) * 1000, found


def household_time(target, picks: list[int], repeat: int) -> float:
    from models.core.db import close_database
    from models.migrations import open_database
    from models.registry import compounds, households, life_events

    open_database(target)

    def run() -> None:
        for hid in picks:
            compounds.list_compounds()
            households.detail(hid)
            life_events.household_history(hid)

    value = wl.median_time(run, repeat) / len(picks) * 1000
    close_database()
    return value


def monthly_times(target, work: Path, repeat: int) -> tuple[float, float]:
    from models.core.db import close_database
    from models.migrations import open_database
    from models.monthly import stats
    from reports.monthly import build_monthly_report

    open_database(target)
    month = stats.Month(*wl.AS_OF_MONTH)
    figures = wl.median_time(lambda: stats.monthly(month), repeat)
    pdf = wl.median_time(lambda: build_monthly_report(work / "engines-monthly.pdf", month), repeat)
    close_database()
    return figures, pdf


def import_time(make_target, book: Path, repeat: int) -> tuple[float, dict]:
    """Import *book* into a fresh copy made by make_target() each run (the copy not timed)."""
    from models.core.db import close_database
    from models.migrations import open_database
    from models.registry.workbook import importer

    times: list[float] = []
    summary: dict = {}
    for _ in range(repeat):
        target = make_target()
        open_database(target)
        start = time.perf_counter()
        result = importer.import_file(wl.Actor(), book)
        times.append(time.perf_counter() - start)
        summary = {"new": result.new_residents, "updated": result.updated_residents}
        close_database()
    return statistics.median(times), summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1,10")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pg", help="a postgresql:// URL of a database the benchmark may use")
    parser.add_argument("--out", type=Path, default=ROOT / "bench-results" / "engines.json")
    args = parser.parse_args()
    from models.migrations import LATEST

    data = args.out.parent / "data"
    data.mkdir(parents=True, exist_ok=True)
    cluster: str | None = None
    base = args.pg
    if base is None:
        cluster = str(data / "pg-cluster")
        out = subprocess.run(
            ["bash", str(ROOT / "scripts" / "pg_cluster.sh"), "start", cluster],
            check=True,
            capture_output=True,
            text=True,
        )
        base = out.stdout.strip().splitlines()[-1]
    table: list[dict] = []
    started = time.perf_counter()
    try:
        for factor in [int(s) for s in args.scales.split(",")]:
            scale = f"{factor}x"
            households = benchmark.SEED_HOUSEHOLDS * factor
            print(f"[{scale}] {households:,} households", flush=True)
            cached = data / f"demo-{factor}x-v{LATEST}.sqlite3"
            benchmark.build_db(cached, households)
            book = benchmark.seed_workbook(data, LATEST, factor)
            lite = data / f"engines-{factor}x.sqlite3"
            for stale in data.glob(f"{lite.name}*"):
                stale.unlink()
            shutil.copyfile(cached, lite)
            tpl = f"bench_{factor}x"
            server = server_copy(base, lite, tpl)
            typed = wl.keystrokes(lite)
            picks = wl.household_picks(lite)
            result: dict[str, dict] = {}
            for engine, target in (("SQLite", lite), ("PostgreSQL", server)):
                median, p95, found = search_times(target, typed, args.repeat)
                house = household_time(target, picks, args.repeat)
                figures, pdf = monthly_times(target, data, args.repeat)
                result[engine] = {
                    "2. search per keystroke, median (ms)": median,
                    "2. search per keystroke, p95 (ms)": p95,
                    "3. open a household (ms)": house,
                    "5. monthly figures (s)": figures,
                    "5. monthly report PDF (s)": pdf,
                    "_found": found,
                }
                print(f"  {engine}: reads done ({time.perf_counter() - started:.0f} s)", flush=True)
            runs = max(1, min(args.repeat, 2))
            import_target = data / "engines-import.sqlite3"

            def fresh_file(
                src: Path = lite, dest: Path = import_target, factor: int = factor
            ) -> Path:
                for stale in data.glob(f"{dest.name}*"):
                    stale.unlink()
                if factor == 1:
                    return dest  # at 1x the seed's own workbook goes into an empty database
                shutil.copyfile(src, dest)
                return dest

            def fresh_server(factor: int = factor, tpl: str = tpl) -> str:
                if factor == 1:
                    return recreate(base, "bench_import")
                return recreate(base, "bench_import", template=tpl)

            for engine, make in (("SQLite", fresh_file), ("PostgreSQL", fresh_server)):
                seconds, summary = import_time(make, book, runs)
                result[engine]["4. import seed-size workbook (s)"] = seconds
                result[engine]["_import"] = summary
            same = result["SQLite"].pop("_found") == result["PostgreSQL"].pop("_found")
            for key in result["SQLite"]:
                if key.startswith("_"):
                    continue
                table.append(
                    {
                        "scale": scale,
                        "workload": key,
                        "sqlite": round(result["SQLite"][key], 3),
                        "postgresql": round(result["PostgreSQL"][key], 3),
                    }
                )
            table.append(
                {
                    "scale": scale,
                    "workload": "search results the same on both engines",
                    "sqlite": same,
                    "postgresql": same,
                }
            )
            imports = (result["SQLite"]["_import"], result["PostgreSQL"]["_import"])
            print(f"  imports: SQLite {imports[0]}, PostgreSQL {imports[1]}", flush=True)
    finally:
        if cluster is not None:
            subprocess.run(["bash", str(ROOT / "scripts" / "pg_cluster.sh"), "stop", cluster])
    print()
    print(f"{'scale':<6} {'workload':<44} {'SQLite':>10} {'PostgreSQL':>11}")
    for row in table:
        print(
            f"{row['scale']:<6} {row['workload']:<44} "
            f"{row['sqlite']!s:>10} {row['postgresql']!s:>11}"
        )
    args.out.write_text(json.dumps({"rows": table}, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"\nJSON: {args.out}  ({time.perf_counter() - started:.0f} s in all)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
