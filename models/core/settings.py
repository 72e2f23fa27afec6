"""Settings kept in the database, each declared once in SPECS (issuing unit, masking, date style…).

A spec gives a setting's kind, default and Chinese label; the settings dialog builds its fields
from SPECS, the audit log reads its labels from them, and set_value / set_many check a value by
its kind before it is stored. Values are stored as text: a bool as "0" / "1", a choice as one of
its listed values. Keys outside SPECS are not settings of this module
(models/registry/workbook/layouts.py
keeps remembered register layouts in the same table under their own prefix).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from models.core import audit, text_rules
from models.core.entities import Setting
from models.core.errors import UserFacingError
from models.core.permissions import HasRole, Perm
from models.core.service import service

Kind = Literal["text", "bool", "choice", "path"]
BOOL_VALUES = ("0", "1")


@dataclass(frozen=True)
class SettingSpec:
    """One database setting: what it holds, its default and how the dialog and the log name it."""

    key: str
    kind: Kind
    default: str
    label: str  # as the dialog shows it before the field, and the audit log names it
    choices: tuple[tuple[str, str], ...] = ()  # (stored value, Chinese label), kind "choice"
    help: str = ""  # a bool's check-box text; for the other kinds a hint under the field
    max_length: int = 200
    required: bool = False  # a text that may not be left empty
    mnemonic: str = ""  # the dialog's Alt+letter for the field
    placeholder: str = ""  # shown in an empty field: what an empty value means
    file_filter: str = ""  # kind "path": the file picker's filter

    @property
    def values(self) -> tuple[str, ...]:
        """The values a bool or a choice may take."""
        if self.kind == "bool":
            return BOOL_VALUES
        return tuple(value for value, _ in self.choices)


SPECS: tuple[SettingSpec, ...] = (
    # 发文机关 / the name printed on reports and certificates.
    SettingSpec(
        "issuing_unit",
        "text",
        "城关街道南关社区居民委员会",
        "发文单位",
        help="印在报表、证明和简报上。",
        required=True,
        mnemonic="U",
    ),
    SettingSpec(
        "street_office",
        "text",
        "城关街道办事处",
        "街道办事处",
        help="活动简报默认报送的单位（“报：”）。",
        mnemonic="S",
    ),
    # Empty: derived from the issuing unit (models.events.service.brief_title).
    SettingSpec(
        "brief_title",
        "text",
        "",
        "简报标题",
        help="社区活动简报的标题；留空时由发文单位生成。",
        max_length=30,
        mnemonic="T",
    ),
    SettingSpec(
        "date_style",
        "choice",
        "arabic",
        "日期写法",
        choices=(
            ("arabic", "阿拉伯数字，公文格式（2026年5月5日）"),
            ("chinese", "汉字数字（二〇二六年五月五日）"),
        ),
        mnemonic="D",
    ),
    # Masking ID numbers on printouts and lists is the default; a role may still reveal them.
    SettingSpec(
        "mask_ids",
        "bool",
        "1",
        "默认遮盖身份证号",
        help="名单和打印件中隐藏身份证号码中间位（如 6106**********1234）",
        mnemonic="M",
    ),
    # Override for the PDF / window font; empty: the first installed CJK font.
    SettingSpec(
        "font_path",
        "path",
        "",
        "报表字体",
        help="须为 TrueType 字体（.ttf/.ttc）。",
        max_length=1000,
        placeholder="自动（系统中的仿宋、宋体或文泉驿字体）",
        file_filter="TrueType 字体 (*.ttf *.ttc);;所有文件 (*)",
    ),
)
SPEC_BY_KEY: dict[str, SettingSpec] = {spec.key: spec for spec in SPECS}
DEFAULTS: dict[str, str] = {spec.key: spec.default for spec in SPECS}
CHOICES: dict[str, tuple[str, ...]] = {
    spec.key: spec.values for spec in SPECS if spec.kind in ("bool", "choice")
}


class SettingValueError(UserFacingError, ValueError):
    """A value a setting cannot take; the message is for the user, *key* says which field."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


def spec(key: str) -> SettingSpec:
    found = SPEC_BY_KEY.get(key)
    if found is None:
        raise SettingValueError(key, f"未知的设置项“{key}”。")
    return found


def validate(key: str, value: str) -> str:
    """*value* as it would be stored for *key* (text cleaned and trimmed); raises
    SettingValueError with a message for the user when the setting cannot take it."""
    found = spec(key)
    if found.kind in ("bool", "choice"):
        if value in found.values:
            return value
        if found.kind == "bool":
            allowed = "“1”（是）或“0”（否）"
        else:
            allowed = "、".join(f"“{v}”（{label}）" for v, label in found.choices)
        raise SettingValueError(key, f"“{found.label}”只能是{allowed}，不能是“{value}”。")
    text = text_rules.clean(value).strip()
    if found.required and not text:
        raise SettingValueError(key, f"请填写{found.label}。")
    if len(text) > found.max_length:
        raise SettingValueError(
            key, f"“{found.label}”最多 {found.max_length} 个字，现在是 {len(text)} 个字。"
        )
    return text


def get(key: str) -> str:
    """The stored value of a declared setting, else its default (a stored choice that is no
    longer listed also gives the default; a bool is always "0" or "1")."""
    found = SPEC_BY_KEY.get(key)
    if found is None:
        raise KeyError(f"not a declared setting: {key!r}")
    row = Setting.get_or_none(Setting.key == key)
    return _read(found, row.value if row is not None else None)


def _read(found: SettingSpec, stored: str | None) -> str:
    if stored is None or (found.kind == "choice" and stored not in found.values):
        return found.default
    if found.kind == "bool":  # "true" / "yes" were read as yes before values were checked
        return "1" if stored in ("1", "true", "yes") else "0"
    return stored


def get_bool(key: str) -> bool:
    if spec(key).kind != "bool":
        raise TypeError(f"setting {key!r} is not a yes/no setting")
    return get(key) == "1"


@service(Perm.SETTINGS_EDIT)
def set_value(actor: HasRole, key: str, value: str) -> None:
    """Store one setting (one audit row when it changes)."""
    value = validate(key, value)
    old = get(key)
    if old == value:
        return
    # An upsert both engines know (PostgreSQL has no INSERT OR REPLACE).
    Setting.insert(key=key, value=value).on_conflict(
        conflict_target=[Setting.key], update={Setting.value: value}
    ).execute()
    audit.record(actor.username, audit.Action.UPDATE, "setting", key, {key: old}, {key: value})


def all_settings() -> dict[str, str]:
    """Every declared setting's value, in SPECS order."""
    stored = {row.key: row.value for row in Setting.select().where(Setting.key.in_(list(DEFAULTS)))}
    return {s.key: _read(s, stored.get(s.key)) for s in SPECS}


def check_many(values: dict[str, str]) -> dict[str, str]:
    """The values as they would be stored; raises SettingValueError for the first bad one."""
    return {key: validate(key, value) for key, value in values.items()}


@service(Perm.SETTINGS_EDIT)
def set_many(actor: HasRole, values: dict[str, str]) -> list[str]:
    """Save several settings in one transaction (one audit row each); returns the keys changed."""
    checked = check_many(values)  # every value before any is stored
    changed = []
    for key, value in checked.items():
        if get(key) != value:
            set_value(actor, key, value)
            changed.append(key)
    return changed
