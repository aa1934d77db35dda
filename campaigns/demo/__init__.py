"""Demo data of campaigns and recognition: ``seed()`` runs each feature's seeder in order.

Each ``campaigns/demo/<feature>.py`` has ``seed(*, organization, members)``; it must be
idempotent like the rest of the demo (running ``seed_demo`` twice changes nothing).
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from advocacy.demo import DemoMembers
    from advocacy.models import Organization

# In dependency order: campaigns exist before the points, boards and raffles built on them.
FEATURES = ("campaigns", "points", "boards", "rewards", "raffles", "amplification", "hashtags")


def seed(*, organization: Organization, members: DemoMembers) -> None:
    for feature in FEATURES:
        name = f"{__name__}.{feature}"
        if importlib.util.find_spec(name) is None:
            continue
        importlib.import_module(name).seed(organization=organization, members=members)
