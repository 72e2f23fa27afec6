"""Schema version 12: indexes that keep reading fast at a district's scale."""

from __future__ import annotations

import peewee as pw
from playhouse.migrate import SchemaMigrator, migrate

from models.migrations.registry import migration


@migration(12)
def _add_event_value_indexes(db: pw.Database, migrator: SchemaMigrator) -> None:
    """A household's history finds the events that name its number (moves between
    households, splits, merges) by index instead of reading every event."""
    migrate(
        migrator.add_index("life_event", ("from_value",), False),
        migrator.add_index("life_event", ("to_value",), False),
    )
