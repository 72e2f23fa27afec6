"""Settings that belong to this computer, not to the database: a small JSON file.

The backup folder (a USB drive on this PC), how many backups to keep and the last database
opened differ from PC to PC, so they live in the user's config folder rather than in the
database, where office-wide settings (issuing unit, date style…) are kept (models.core.settings).
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import platformdirs

from models.core.db import APP_AUTHOR, APP_NAME, data_dir
from models.core.permissions import HasRole, Perm
from models.core.service import service

CONFIG_FILENAME = "settings.json"


def config_dir() -> Path:
    """NDESK_CONFIG_DIR, else beside an overridden data folder (portable/test set-ups), else
    the platform's per-user config folder."""
    override = os.environ.get("NDESK_CONFIG_DIR")
    if override:
        path = Path(override)
    elif os.environ.get("NDESK_DATA_DIR"):
        path = data_dir() / "config"
    else:
        path = Path(platformdirs.user_config_dir(APP_NAME, APP_AUTHOR))
    path.mkdir(parents=True, exist_ok=True)
    return path


def config_path() -> Path:
    return config_dir() / CONFIG_FILENAME


def default_backup_dir() -> Path:
    return data_dir() / "backups"


@dataclass
class LocalConfig:
    backup_dir: str = ""  # empty: default_backup_dir()
    auto_backup: bool = True
    keep_daily: int = 7
    keep_monthly: int = 12
    last_database: str = ""
    # The folder each kind of printout was last saved to on this PC (kind -> folder).
    pdf_folders: dict[str, str] = field(default_factory=dict)

    def backup_folder(self) -> Path:
        return Path(self.backup_dir) if self.backup_dir else default_backup_dir()


DEFAULTS = LocalConfig()


def load() -> LocalConfig:
    """The saved settings; a missing or unreadable file gives the defaults (never an error)."""
    try:
        raw = json.loads(config_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return LocalConfig()
    if not isinstance(raw, dict):
        return LocalConfig()
    config = LocalConfig()
    for f in fields(LocalConfig):
        value = raw.get(f.name)
        default = getattr(config, f.name)
        if isinstance(value, type(default)) and not (
            isinstance(default, int) and isinstance(value, bool) and not isinstance(default, bool)
        ):
            setattr(config, f.name, value)
    config.keep_daily = max(1, min(config.keep_daily, 366))
    config.keep_monthly = max(0, min(config.keep_monthly, 120))
    return config


def _write(config: LocalConfig) -> None:
    path = config_path()
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(asdict(config), ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(tmp, path)  # never a half-written settings file


@service(Perm.SETTINGS_EDIT, write=False)
def save(actor: HasRole, config: LocalConfig) -> None:
    """Store settings chosen in the settings dialog (administrators only)."""
    if not 1 <= config.keep_daily <= 366:
        raise ValueError("每日备份保留份数须在 1 到 366 之间。")
    if not 0 <= config.keep_monthly <= 120:
        raise ValueError("每月备份保留份数须在 0 到 120 之间。")
    _write(config)


def remember_database(path: str | os.PathLike[str]) -> None:
    """Note the database just opened so that the next start opens it again (no permission:
    every user opens a database)."""
    from models.core.db import is_postgres_url

    config = load()
    # A server's password never goes into this plain file (libpq reads it from PGPASSFILE).
    value = without_password(str(path)) if is_postgres_url(path) else str(Path(path).resolve())
    if config.last_database != value:
        config.last_database = value
        with contextlib.suppress(OSError):  # a read-only profile only loses a convenience
            _write(config)


def remember_pdf_folder(kind: str, folder: str | os.PathLike[str]) -> None:
    """Note where a kind of printout was saved, so that the next save of it starts there (no
    permission: every user saves printouts)."""
    config = load()
    value = str(Path(folder))
    if config.pdf_folders.get(kind) != value:
        config.pdf_folders = {
            k: v for k, v in config.pdf_folders.items() if isinstance(k, str) and isinstance(v, str)
        }
        config.pdf_folders[kind] = value
        with contextlib.suppress(OSError):  # a read-only profile only loses a convenience
            _write(config)


def as_dict(config: LocalConfig) -> dict[str, Any]:
    return asdict(config)


def without_password(url: str) -> str:
    """*url* with any password taken out of it."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}@{host}" if user else host))


def database_to_open() -> Path | str:
    """The database opened last on this computer if it is still there (a server URL is
    tried again), else the default file."""
    from models.core.db import default_db_path, is_postgres_url

    last = load().last_database
    if last and is_postgres_url(last):
        return last
    if last and Path(last).is_file():
        return Path(last)
    return default_db_path()
