"""设施台账: the centre, spaces, equipment, inspections, the standard."""
