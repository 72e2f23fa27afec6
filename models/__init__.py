"""Data layer: peewee models, services and rules. Never imports Qt."""
