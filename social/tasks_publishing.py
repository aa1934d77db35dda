"""Celery tasks: publishing."""

__all__: list[str] = []
