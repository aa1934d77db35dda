"""Celery tasks: metrics."""

__all__: list[str] = []
