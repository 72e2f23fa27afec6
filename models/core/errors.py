"""One base for the errors whose message is a sentence for the clerk.

A service raises a subclass of UserFacingError when the clerk can act on what it says (a
bad date, a list in use, a file that is not a workbook). Anything else that escapes is a
programming error: the window logs it and says so, never showing its text as if it were
advice (ui.common.worker; tests/test_user_errors.py keeps every domain error under this base).
"""

from __future__ import annotations


class UserFacingError(Exception):
    """str(error) is one Chinese sentence the window may show as it is."""


def message_for(exc: BaseException) -> str:
    """What the window says about *exc*: its own sentence, or that the program failed."""
    if isinstance(exc, UserFacingError):
        return str(exc) or "操作没有完成。"
    if isinstance(exc, OSError):  # the disk, a folder, a file held by another program
        reason = exc.strerror or str(exc) or type(exc).__name__
        where = f"（{exc.filename}）" if getattr(exc, "filename", None) else ""
        return f"读写文件时出错{where}：{reason}"
    return (
        f"程序内部出错（{type(exc).__name__}），这次操作没有完成。详细情况已记入日志文件，"
        "请把它交给技术人员。"
    )


class EditConflict(UserFacingError):
    """Someone else saved the record after this clerk's window loaded it (its row version
    moved on): nothing of this save was written. The message says who, when and what."""

    def __init__(
        self,
        message: str,
        table_name: str = "",
        record_id: object = None,
        loaded_version: int | None = None,
        current_version: int | None = None,
        changed_by: tuple[str, ...] = (),
        fields: tuple[str, ...] = (),
    ) -> None:
        super().__init__(message)
        self.table_name = table_name
        self.record_id = record_id
        self.loaded_version = loaded_version
        self.current_version = current_version
        self.changed_by = changed_by  # display names, newest first
        self.fields = fields  # Chinese labels of what they changed
