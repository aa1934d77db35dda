"""The Celery application. Queues: ``default``, ``publishing`` (never behind anything
else), ``metrics`` and ``bulk``; routes and the beat schedule live in settings."""

import os

from celery import Celery
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "advocacy.settings")

app = Celery("chorus")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.task_queues = [Queue(name) for name in ("default", "publishing", "metrics", "bulk")]
app.conf.task_default_retry_delay = 30
app.conf.task_annotations = {"*": {"max_retries": 5}}
app.conf.broker_connection_retry_on_startup = True
app.autodiscover_tasks()
