"""Gunicorn settings of the redirect benchmark (instead of the container's gunicorn.conf.py):
no access log, so the figures measure the application, not log writing."""

accesslog = None
errorlog = "-"
loglevel = "warning"
timeout = 60
