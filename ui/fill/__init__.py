"""一表通 windows: lists, template mapping, filling."""
