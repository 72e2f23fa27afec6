"""Settings kept in the database, each with a default (issuing unit, masking, date style…)."""

from __future__ import annotations

from models import audit
from models.db import database
from models.entities import Setting
from models.permissions import HasRole, Perm, require

DEFAULTS: dict[str, str] = {
    # 发文机关 / the name printed on reports and certificates.
    "issuing_unit": "城关街道南关社区居民委员会",
    "street_office": "城关街道办事处",
    "mask_ids": "1",  # mask ID numbers on printouts and lists by default
    "date_style": "arabic",  # "arabic": 2026年5月5日; "chinese": 二〇二六年五月五日
    "font_path": "",  # override for the PDF / window font
}


def get(key: str) -> str:
    row = Setting.get_or_none(Setting.key == key)
    if row is not None:
        return row.value
    return DEFAULTS.get(key, "")


def get_bool(key: str) -> bool:
    return get(key) in ("1", "true", "yes")


def set_value(actor: HasRole, key: str, value: str) -> None:
    require(actor, Perm.SETTINGS_EDIT)
    with database.atomic():
        old = get(key)
        if old == value:
            return
        Setting.insert(key=key, value=value).on_conflict_replace().execute()
        audit.record(actor.username, "update", "setting", key, {key: old}, {key: value})


def all_settings() -> dict[str, str]:
    values = dict(DEFAULTS)
    values.update({row.key: row.value for row in Setting.select()})
    return values


CHOICES: dict[str, tuple[str, ...]] = {
    "date_style": ("arabic", "chinese"),
    "mask_ids": ("0", "1"),
}


def set_many(actor: HasRole, values: dict[str, str]) -> list[str]:
    """Save several settings in one transaction (one audit row each); returns the keys changed."""
    require(actor, Perm.SETTINGS_EDIT)
    for key, value in values.items():
        if key not in DEFAULTS:
            raise ValueError(f"未知的设置项“{key}”。")
        if key in CHOICES and value not in CHOICES[key]:
            raise ValueError(f"设置项“{key}”的值“{value}”无效。")
    changed = []
    with database.atomic():
        for key, value in values.items():
            value = value.strip()
            if get(key) != value:
                set_value(actor, key, value)
                changed.append(key)
    return changed
