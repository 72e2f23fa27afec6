"""One module per schema version added after the foundation's (see models/migrations/__init__.py).

Each module registers its step with @migration(N) when imported; models.migrations imports
every module here.
"""
