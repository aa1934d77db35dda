"""Test settings: the real settings, with a fixed key and fast password hashing."""

import os

os.environ.setdefault("SECRET_KEY", "test-" + "x" * 60)
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
# API rates are tested explicitly (tests/test_api_throttling.py overrides them); elsewhere
# the suite's many requests from one address would make tests order-dependent.
for _scope in ("ANON", "USER", "TOKEN", "AUTH"):
    os.environ.setdefault(f"API_THROTTLE_{_scope}", "100000/minute")

from .settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
ALLOWED_HOSTS = ["*"]
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
MEDIA_ROOT = VAR_DIR / "test-media"  # noqa: F405
# Rate limits are tested explicitly; elsewhere they would make tests order-dependent.
ACCOUNT_RATE_LIMITS = {**ACCOUNT_RATE_LIMITS}  # noqa: F405
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    # The embedded default: a file, not shared-cache memory, so that a real worker thread and
    # the test wait for each other's write locks (busy timeout) instead of failing at once.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}  # noqa: F405
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 30  # noqa: F405
