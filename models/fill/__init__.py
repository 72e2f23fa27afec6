"""一表通: saved lists and departments' templates filled from the register."""
