"""The 设施台账 tab and its dialogs."""
