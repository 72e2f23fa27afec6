"""证明: certificate kinds (the allow-list) and the certificates issued."""

from models.certificates.service import MODELS
from models.core.area import Area

AREA = Area(key="certificates", title="开具证明", tables=tuple(MODELS))
