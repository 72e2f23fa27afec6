"""一表通: saved lists, department templates and the sheets filled from them."""

from models.core.area import Area
from models.fill.entities import FILL_MODELS

AREA = Area(key="fill", title="一表通", tables=tuple(FILL_MODELS))
