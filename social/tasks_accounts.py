"""Celery tasks: accounts."""

__all__: list[str] = []
