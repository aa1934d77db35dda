"""Gunicorn settings for the web container (the Dockerfile's CMD loads this file).

Gunicorn itself reads ``PORT`` and ``WEB_CONCURRENCY``; nothing here is a Django setting.
"""

import multiprocessing
import os

# All interfaces: inside a container the published port is the only way in.
bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 9)))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
timeout = 60
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak never takes a web process down.
max_requests = 2000
max_requests_jitter = 200
# Heartbeat files on tmpfs: a container's overlay file system can stall gunicorn workers.
worker_tmp_dir = "/dev/shm"  # noqa: S108 - gunicorn's own heartbeat files, not user data
accesslog = "-"
errorlog = "-"
