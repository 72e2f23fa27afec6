"""The program's areas, once, in order: their tables are created in this order (after the
core ones) and their demo data is made in this order (casework after the births it registers).

Adding an area means writing its package's area.py and adding it here; the schema, the demo
and the monthly report pick it up from this list.
"""

from models.casework.area import AREA as CASEWORK
from models.certificates.area import AREA as CERTIFICATES
from models.core.area import Area
from models.events.area import AREA as EVENTS
from models.facilities.area import AREA as FACILITIES
from models.fill.area import AREA as FILL
from models.registry.area import AREA as REGISTRY

AREAS: tuple[Area, ...] = (REGISTRY, CERTIFICATES, CASEWORK, EVENTS, FACILITIES, FILL)
