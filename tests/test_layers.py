"""models/ and reports/ must import on a machine without PySide6 (command line, server)."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BLOCK_QT_AND_IMPORT_ALL = """
import importlib, pkgutil, sys
sys.modules['PySide6'] = None  # any 'import PySide6...' now raises ImportError
for package in ('models', 'reports'):
    pkg = importlib.import_module(package)
    for info in pkgutil.walk_packages(pkg.__path__, package + '.'):
        importlib.import_module(info.name)
print('ok', len([m for m in sys.modules if m.startswith(('models.', 'reports.'))]))
"""


def test_models_and_reports_import_without_qt():
    result = subprocess.run(
        [sys.executable, "-c", BLOCK_QT_AND_IMPORT_ALL],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok")
    assert int(result.stdout.split()[1]) >= 10  # really walked the packages


def test_no_qt_import_in_core_sources():
    offenders = [
        str(path.relative_to(ROOT))
        for package in ("models", "reports")
        for path in (ROOT / package).rglob("*.py")
        if "PySide6" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []


# Reads of the real clock. models/core/clock.py is the one place allowed to make them, so that the
# tests' frozen day holds everywhere (a date.today() elsewhere is a time bomb for the suite).
CLOCK_READS = re.compile(
    r"\b(date\.today|datetime\.now|datetime\.utcnow|datetime\.today|time\.localtime"
    r"|QDate\.currentDate|QDateTime\.current\w*|QTime\.currentTime)\b"
)


def test_only_the_clock_module_reads_the_date():
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for package in ("models", "reports", "ui")
        for path in sorted((ROOT / package).rglob("*.py"))
        if path != ROOT / "models" / "core" / "clock.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if CLOCK_READS.search(line) and not line.lstrip().startswith("#")
    ] + [
        f"main.py:{number}: {line.strip()}"
        for number, line in enumerate(
            (ROOT / "main.py").read_text(encoding="utf-8").splitlines(), 1
        )
        if CLOCK_READS.search(line)
    ]
    assert offenders == []


def test_the_frozen_clock_is_what_services_see():
    import datetime as dt

    from models.core import clock
    from tests.conftest import AS_OF

    assert clock.today() == AS_OF and clock.is_frozen()
    clock.freeze(dt.date(2030, 1, 2))
    assert clock.today() == dt.date(2030, 1, 2) and clock.now().hour == 9


# ui/ reaches data only through services: no queries, no raw SQL, no handle on the database
# (models.core.db's open/close/path functions and errors are fine); the window's only entity is
# the signed-in User, as a type.
DATA_ACCESS = re.compile(
    r"\bexecute_sql\(|\bdatabase\.(atomic|execute|obj|close|connect)|^import peewee"
    r"|from models\.db import [^\n]*\bdatabase\b(?!_)"
    r"|\b[A-Z]\w*\.(select|get_by_id|get_or_none|insert|insert_many|create|delete|raw)\("
)
ENTITY_IMPORT = re.compile(r"^from models\.entities import (.+)$")


def test_the_window_reaches_data_only_through_services():
    offenders = []
    for path in sorted((ROOT / "ui").rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#")[0]
            entity = ENTITY_IMPORT.match(code.strip())
            names = {n.strip() for n in entity.group(1).split(",")} if entity else set()
            if DATA_ACCESS.search(code) or names - {"User", "now"}:
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []
