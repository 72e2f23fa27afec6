"""Pieces every tab uses: modal handling, table models, workers, PDF output."""
