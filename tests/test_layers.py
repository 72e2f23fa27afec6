"""models/ and reports/ must import on a machine without PySide6 (command line, server)."""

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
        cwd=ROOT, capture_output=True, text=True, timeout=120,
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
