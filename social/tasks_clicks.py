"""Celery tasks: clicks."""

__all__: list[str] = []
