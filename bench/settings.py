"""Settings of the benchmark run: the production settings (``DEBUG`` off), with plain
static-file storage (no ``collectstatic`` manifest needed) and the test client's host."""

from advocacy.settings import *  # noqa: F403

STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]  # noqa: F405
