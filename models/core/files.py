"""Attachments (photos, scans) kept in a folder beside the database file.

Keeping them next to the database (not in a global folder) means a backup of the database
folder, or of the database plus its "-files" folder, carries everything. The database
stores paths relative to that folder, so a restored or moved copy still finds its files.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from models.core.db import data_dir, database_path
from models.core.errors import UserFacingError


class AttachmentError(UserFacingError):
    pass


def attachments_dir_for(db: Path) -> Path:
    """The attachments folder of the database file *db* (not created)."""
    return db.with_name(db.stem + "-files")


def attachments_dir() -> Path:
    db = database_path()
    folder = attachments_dir_for(db) if db else data_dir() / "files"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def store(source: str | Path, area: str) -> str:
    """Copy *source* into the attachments folder under *area*; returns the relative path.

    The name carries a content hash so that the same photo added twice is stored once and
    a different photo with the same name never overwrites the first.
    """
    source = Path(source)
    if not source.is_file():
        raise AttachmentError(f"找不到文件“{source}”。")
    digest = hashlib.sha256(source.read_bytes()).hexdigest()[:16]
    relative = Path(area) / f"{digest}{source.suffix.lower()}"
    target = attachments_dir() / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        shutil.copy2(source, target)
    return relative.as_posix()


def resolve(relative: str) -> Path:
    return attachments_dir() / relative
