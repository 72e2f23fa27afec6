"""Per-keystroke latency of the registry search on a demo database.

    .venv/bin/python scripts/search_benchmark.py DB [--repeat 5]

Build a database first, e.g. `main.py demo --db /tmp/x10.sqlite3 --households 65540` (ten
times the seed). For each query the script types it one character at a time, as the clerk
would, and times what the window does per keystroke: the first page (200 rows). The window
counts the matches off the GUI thread once that page is shown ("exact count" here). Filters
and sorts are timed the same way. The page cache is warm; the search's own small cache is
cleared before every run. Times are medians of --repeat runs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _time(func, repeat: int) -> tuple[float, float]:
    func()  # warm the cache
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        runs.append((time.perf_counter() - start) * 1000)
    return statistics.median(runs), max(runs)


def _count(search, text, flt=None) -> int:
    search.clear_cache()
    return search.count(text, flt)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("db", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    from models.core.entities import Household, Resident
    from models.migrations import open_database
    from models.registry import search
    from models.registry.search import ResidentFilter

    open_database(args.db)
    total = Resident.select().count()
    # A real person from the middle of the register gives realistic queries.
    heads = Resident.select().where(Resident.phone != "", Resident.relation == "02")
    person = heads.order_by(Resident.id).offset(heads.count() // 2).limit(1).get()
    house = Household.get_by_id(person.household_id)
    compound = house.compound
    queries = {
        "pinyin initials": person.pinyin_initials,
        "full pinyin": person.pinyin,
        "Chinese name": person.name,
        "ID last four": person.id_number[-4:],
        "ID birth date": person.id_number[6:14],
        "phone last four": person.phone[-4:],
        "whole phone": person.phone,
        "household number": house.household_no,
        "address": f"{house.building}{house.unit}",
        "compound + room": f"{compound.name} {house.room}",
        "no match": "zzqx",
    }
    print(f"{args.db}: {total:,} residents; sample {person.name} ({house.household_no})")
    print(
        f"{'query':18} {'text':24} {'worst keystroke':>16} {'last keystroke':>15} "
        f"{'exact count':>12} {'rows':>7}"
    )
    worst_all = 0.0
    for label, text in queries.items():
        per_key = []
        for i in range(1, len(text) + 1):
            prefix = text[:i]

            def keystroke(prefix=prefix):
                search.clear_cache()
                search.search(prefix, limit=200)

            per_key.append(_time(keystroke, args.repeat)[0])
        exact, _ = _time(lambda text=text: _count(search, text), args.repeat)
        worst_all = max(worst_all, max(per_key))
        print(
            f"{label:18} {text:24} {max(per_key):13.1f} ms {per_key[-1]:12.1f} ms "
            f"{exact:9.1f} ms {search.count(text):7,}"
        )
    filters = {
        "empty box": ("", ResidentFilter()),
        "compound, 60+": ("", ResidentFilter(compound_id=compound.id, min_age=60)),
        "低保": ("", ResidentFilter(tag="dibao")),
        "残疾人 women": ("", ResidentFilter(tag="disabled", sex="2")),
        "under 3": ("", ResidentFilter(max_age=2)),
        "moved out": ("", ResidentFilter(status="moved_out")),
        "流动 + 'w'": ("w", ResidentFilter(category="4")),
    }
    print(f"\n{'filter':18} {'first page':>26} {'exact count':>12} {'rows':>7}")
    for label, (text, flt) in filters.items():

        def page(text=text, flt=flt):
            search.clear_cache()
            search.search(text, flt, limit=200)

        med, _ = _time(page, args.repeat)
        exact, _ = _time(lambda text=text, flt=flt: _count(search, text, flt), args.repeat)
        print(f"{label:18} {med:23.1f} ms {exact:9.1f} ms {search.count(text, flt):7,}")
    print(f"\n{'sort (empty box)':18} {'first page':>12} {'page at offset 10,000':>22}")
    for key in search.SORTS:
        first, _ = _time(lambda key=key: search.search("", sort=key, limit=200), args.repeat)
        deep, _ = _time(
            lambda key=key: search.search("", sort=key, limit=200, offset=10000), args.repeat
        )
        print(f"{key:18} {first:9.1f} ms {deep:19.1f} ms")
    print(f"\nworst keystroke over all typed queries: {worst_all:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
