"""设施台账: centres, spaces, equipment, inspections and hazards against the standard."""

from models.core.area import Area
from models.facilities import monthly
from models.facilities.demo import seed_demo_centres
from models.facilities.entities import FACILITY_MODELS

AREA = Area(
    key="facilities",
    title="设施台账",
    tables=tuple(FACILITY_MODELS),
    demo=seed_demo_centres,
    demo_seed="models.facilities_demo:seed_demo_centres",
    sections=(monthly.facilities,),
)
