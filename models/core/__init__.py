"""Core of the house: the database, its lock and checks, entities, audit, permissions, the
clock, users, settings, backup, code tables."""
