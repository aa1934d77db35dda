"""Celery tasks of campaigns, one module per feature (imported here for autodiscovery)."""

from . import hashtags  # noqa: F401
