"""The 计生服务 tab and its dialogs."""
