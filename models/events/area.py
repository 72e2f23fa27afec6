"""社区活动: events with their plan, checklist, publicity, attendance, photos and briefs."""

from models.core.area import Area
from models.events import monthly
from models.events.demo import add_demo_events
from models.events.entities import EVENT_MODELS

AREA = Area(
    key="events",
    title="社区活动",
    tables=tuple(EVENT_MODELS),
    demo=add_demo_events,  # a year of community events
    demo_seed="models.events_demo:add_demo_events",
    sections=(monthly.events,),
)
