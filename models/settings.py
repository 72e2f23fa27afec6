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
