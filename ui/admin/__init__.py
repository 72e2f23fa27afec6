"""Administration: users, settings, the audit log, backups, passwords."""
