"""The 户籍人口 tab and its dialogs."""
