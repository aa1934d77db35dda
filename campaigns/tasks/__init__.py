"""Celery discovers ``campaigns.tasks``; one module per feature."""

from .amplification import *  # noqa: F403
