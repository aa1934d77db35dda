"""The floor of bench/_floor_settings.py without the bare route: the fixed 302 through the
whole middleware stack (sessions, locale, CSRF, auth, messages), for reference: what the
redirect's floor was before it became a bare route."""

from bench._floor_settings import *  # noqa: F403

BARE_ROUTES = {}
