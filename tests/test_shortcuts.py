"""Alt+letter mnemonics: a letter the menu bar uses may not also name a button of a tab."""

from __future__ import annotations

import re

from PySide6.QtWidgets import QAbstractButton

MNEMONIC = re.compile(r"&([A-Za-z0-9])")


def _letter(text: str) -> str | None:
    found = MNEMONIC.search(text.replace("&&", ""))
    return found.group(1).upper() if found else None


def test_menu_letters_are_not_taken_again_by_a_tab(qtbot, demo_small, admin):
    from ui.main_window import MainWindow

    window = MainWindow(admin)
    qtbot.addWidget(window)
    menus = {_letter(a.text()): a.text() for a in window.menuBar().actions() if _letter(a.text())}
    assert len(menus) == len(window.menuBar().actions())  # every menu has its own letter
    clashes = []
    for i in range(window.tabs.count()):
        tab = window.tabs.widget(i)
        for button in tab.findChildren(QAbstractButton):
            letter = _letter(button.text())
            if letter in menus:
                clashes.append(f"{window.tabs.tabText(i)}: {button.text()} / {menus[letter]}")
    assert clashes == []
