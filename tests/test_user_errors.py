"""Errors meant for the clerk share one base (models.core.errors.UserFacingError); anything else
that escapes a background job is reported as a program error, never as advice."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from PySide6.QtWidgets import QWidget

import models
import reports
from models.core.errors import UserFacingError, message_for
from models.fill.lists import ListError


def _defined_exceptions() -> list[type[BaseException]]:
    found = []
    for package in (models, reports):
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            module = importlib.import_module(info.name)
            for _name, obj in inspect.getmembers(module, inspect.isclass):
                if issubclass(obj, BaseException) and obj.__module__ == module.__name__:
                    found.append(obj)
    return found


def test_every_error_the_services_define_is_meant_for_the_clerk():
    defined = _defined_exceptions()
    assert len(defined) > 25  # the scan reaches the services
    strays = [
        f"{cls.__module__}.{cls.__name__}"
        for cls in defined
        if cls is not UserFacingError and not issubclass(cls, UserFacingError)
    ]
    assert strays == []


def test_the_message_is_the_sentence_or_says_it_is_a_program_error(tmp_path):
    assert message_for(ListError("名单“甲”正被模板使用。")) == "名单“甲”正被模板使用。"
    bug = message_for(ZeroDivisionError("division by zero"))
    assert "程序内部出错（ZeroDivisionError）" in bug and "division by zero" not in bug
    missing = message_for(FileNotFoundError(2, "No such file or directory", str(tmp_path / "x")))
    assert "读写文件时出错" in missing and "x" in missing


@pytest.mark.parametrize(
    "error, shown",
    [
        (ListError("名单不存在。"), "名单不存在。"),
        (KeyError("template_id"), "程序内部出错（KeyError）"),
    ],
)
def test_a_background_job_reports_what_the_clerk_may_read(qtbot, db, error, shown):
    from ui.common.worker import run_with_progress

    parent = QWidget()
    qtbot.addWidget(parent)
    said: list[str] = []

    def work(_progress):
        raise error

    run_with_progress(parent, "试验", "正在试验…", work, lambda _r: None, said.append)
    qtbot.waitUntil(lambda: bool(said), timeout=10000)
    assert said[0].startswith(shown)
    assert "template_id" not in said[0]
