"""Celery discovers ``social.tasks``; one module per feature (accounts, clicks, metrics,
publishing), each task thin over the service that does the work.

Names are explicit and stable (``social.tasks.<name>``, whatever module holds the task):
``social.tasks.publish_*`` and ``social.tasks.reconcile_*`` route to the publishing queue,
``social.tasks.metrics_*`` to metrics (see ``CELERY_TASK_ROUTES`` and the beat schedule in
settings).
"""

from .accounts import *  # noqa: F403
from .clicks import *  # noqa: F403
from .metrics import *  # noqa: F403
from .publishing import *  # noqa: F403
