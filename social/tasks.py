"""Celery discovers ``social.tasks``; the tasks live beside the code they drive.

Names are explicit (``social.tasks.publish_*`` route to the publishing queue,
``social.tasks.metrics_*`` to metrics, ``*.tasks.bulk_*`` to bulk; see settings).
"""

from .tasks_accounts import *  # noqa: F403
from .tasks_clicks import *  # noqa: F403
from .tasks_metrics import *  # noqa: F403
from .tasks_publishing import *  # noqa: F403
