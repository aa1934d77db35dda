"""Settings of the redirect benchmark's framework floor: the benchmark settings with a
URLconf holding only a fixed redirect (bench/_floor_urls.py), so production URLs never
carry it, served the way the real redirect is: as a bare route (advocacy/bare_routes.py),
before the session, locale, CSRF, auth and message middleware. Used by social/bench.py
through ``gunicorn advocacy.wsgi``."""

from bench.settings import *  # noqa: F403

ROOT_URLCONF = "bench._floor_urls"
BARE_ROUTES = {"/s/": "bench._floor_bare_urls"}
