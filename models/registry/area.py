"""户籍人口: the register's own tables are the core ones; it adds the search index and the
life events of the demo year."""

from models.core.area import Area
from models.registry.demo import add_life_events
from models.registry.search_index import ResidentSearch

AREA = Area(
    key="registry",
    title="户籍人口",
    tables=(ResidentSearch,),
    demo=add_life_events,  # births, deaths, moves of the last 12 months
    demo_seed="models.registry_demo:add_life_events",
)
