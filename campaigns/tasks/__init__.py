"""Celery discovers ``campaigns.tasks``; one module per feature, each task thin over the
service that does the work. Names are explicit and stable (``campaigns.tasks.<name>``)."""

from .amplification import *  # noqa: F403
from .campaigns import *  # noqa: F403
from .hashtags import *  # noqa: F403
from .points import *  # noqa: F403
from .raffles import *  # noqa: F403
