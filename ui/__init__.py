"""The window (PySide6). Views call services in models/ and reports/."""
