"""Page machinery: the official layout, fonts, line breaking, grids, charts."""
