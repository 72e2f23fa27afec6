"""One module per schema version added after the foundation's (see models/migrations.py).

Each module registers its step with @migration(N) when imported; migrations.py imports them all.
"""
