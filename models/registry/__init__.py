"""户籍人口: compounds, households, residents, life events, search."""
