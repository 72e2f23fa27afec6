"""计生服务: cases, their children, follow-ups, rates and reminders."""

from models.casework import monthly
from models.casework.demo import generate
from models.casework.entities import CASEWORK_MODELS
from models.core.area import Area

AREA = Area(
    key="casework",
    title="计生服务",
    tables=tuple(CASEWORK_MODELS),
    demo=generate,  # after the births that the cases register
    demo_seed="models.casework_demo:generate",
    sections=(monthly.casework,),
    figures=(monthly.subsidy_applications, monthly.special_recipients, monthly.reward_recipients),
)
