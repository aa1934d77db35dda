"""Settings of the redirect benchmark's framework floor: the benchmark settings with a
URLconf holding only a fixed redirect (bench/_floor_urls.py), so production URLs never
carry it. Used by social/bench.py through ``gunicorn advocacy.wsgi``."""

from bench.settings import *  # noqa: F403

ROOT_URLCONF = "bench._floor_urls"
