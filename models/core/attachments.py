"""Attachments kept in the database itself (schema v18): on an office server (PostgreSQL)
every clerk's PC reads the same photos, so their bytes live in this table and each PC keeps a
cache of the files it has opened (models.core.files). On SQLite the table stays empty: the
photos are files in the folder beside the database file, as before.
"""

from __future__ import annotations

import peewee as pw

from models.core.entities import BaseModel, now


class Attachment(BaseModel):
    """One stored file: its path relative to the attachments folder (what the rows that use
    it keep, e.g. facilities/<hash>.jpg), its SHA-256, its size and its bytes."""

    path = pw.CharField(unique=True, max_length=300)
    sha256 = pw.CharField(max_length=64)
    size = pw.BigIntegerField()
    bytes = pw.BlobField()  # bytea on PostgreSQL
    created_at = pw.DateTimeField(default=now)
