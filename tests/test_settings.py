"""Production settings, checked in subprocesses with a clean environment: nothing leaks in
from the test run, exactly as a container would start."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

MANAGE = str(Path(settings.BASE_DIR) / "manage.py")
GOOD_KEY = "k8#Jd9!xQ2@pL5$wR7^tY3&uI1*oP6(aS4)dF0_gH8+jK2=lZ9-vB"  # 54 varied characters
MARK = "SETTINGS-JSON:"
PROBE = (
    "from django.conf import settings as s; import json; "
    f"print({MARK!r} + json.dumps({{"
    "'engine': s.DATABASES['default']['ENGINE'], "
    "'name': str(s.DATABASES['default']['NAME']), "
    "'cache': s.CACHES['default']['BACKEND'], "
    "'cache_location': s.CACHES['default'].get('LOCATION', ''), "
    "'broker': s.CELERY_BROKER_URL, "
    "'broker_options': s.CELERY_BROKER_TRANSPORT_OPTIONS, "
    "'debug': s.DEBUG, "
    "'email_backend': s.EMAIL_BACKEND}))"
)


def run_manage(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "DJANGO_SETTINGS_MODULE": "advocacy.settings",
        "CHORUS_VAR_DIR": str(tmp_path / "var"),
        **env,
    }
    return subprocess.run(
        [sys.executable, MANAGE, *args],
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=settings.BASE_DIR,
    )


def probe_settings(tmp_path: Path, **env: str) -> dict:
    result = run_manage(tmp_path, "shell", "-c", PROBE, **env)
    assert result.returncode == 0, result.stderr
    line = next(ln for ln in result.stdout.splitlines() if ln.startswith(MARK))
    return json.loads(line[len(MARK) :])


PRODUCTION = {"DEBUG": "false", "SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "chorus.example.com"}


def test_production_without_secret_key_refuses_to_start(tmp_path):
    result = run_manage(tmp_path, "check", DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY must be set to a random string of at least 50 characters" in result.stderr


@pytest.mark.parametrize(
    "key", ["short-key", "django-insecure-chorus-local-development-only"], ids=["short", "insecure"]
)
def test_production_with_a_weak_secret_key_refuses_to_start(tmp_path, key):
    result = run_manage(tmp_path, "check", DEBUG="false", SECRET_KEY=key)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_debug_runs_without_a_secret_key(tmp_path):
    result = run_manage(tmp_path, "check", DEBUG="true")
    assert result.returncode == 0, result.stderr


def test_production_passes_the_deploy_check(tmp_path):
    result = run_manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_deploy_check_on_postgres_and_redis_urls(tmp_path):
    # The check does not connect; it validates what these URLs configure.
    result = run_manage(
        tmp_path,
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DATABASE_URL="postgres://chorus:secret@db:5432/chorus",
        REDIS_URL="redis://redis:6379/0",
        EMAIL_URL="smtp+tls://mailer:pw@smtp.example.com:587",
        CSRF_TRUSTED_ORIGINS="https://chorus.example.com",
        SITE_URL="https://chorus.example.com",
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_embedded_defaults(tmp_path):
    s = probe_settings(tmp_path, **PRODUCTION)
    assert s["engine"] == "django.db.backends.sqlite3"
    assert s["name"] == str(tmp_path / "var" / "chorus.sqlite3")
    assert s["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert s["broker"] == "filesystem://"
    folders = s["broker_options"]
    assert folders["data_folder_in"] == str(tmp_path / "var" / "celery" / "queue")
    assert Path(folders["data_folder_in"]).is_dir()
    assert Path(folders["processed_folder"]).is_dir()
    assert folders["control_folder"] == str(tmp_path / "var" / "celery" / "control")
    assert s["debug"] is False


def test_service_urls_switch_database_cache_and_broker(tmp_path):
    s = probe_settings(
        tmp_path,
        DATABASE_URL="postgres://chorus:secret@db.internal:5432/chorus",
        REDIS_URL="redis://redis.internal:6379/2",
        EMAIL_URL="smtp://smtp.example.com:25",
        **PRODUCTION,
    )
    assert s["engine"] == "django.db.backends.postgresql"
    assert s["name"] == "chorus"
    # Django's Redis cache, reusing one client per pool (advocacy/redis_cache.py).
    assert s["cache"] == "advocacy.redis_cache.RedisCache"
    assert s["cache_location"] == "redis://redis.internal:6379/2"
    assert s["broker"] == "redis://redis.internal:6379/2"
    # On Redis: a message a dead worker held is delivered again after the visibility timeout,
    # derived from the publishing tasks' hard time limit (60 s) plus the margin (30 s).
    assert s["broker_options"] == {
        "visibility_timeout": 90,
        "unacked_restore_interval": 10,
        "unacked_restore_throttle": 1,
    }
    assert s["email_backend"] == "django.core.mail.backends.smtp.EmailBackend"


def test_a_separate_broker_url_wins_over_redis(tmp_path):
    s = probe_settings(
        tmp_path,
        REDIS_URL="redis://redis.internal:6379/2",
        CELERY_BROKER_URL="redis://broker.internal:6379/0",
        **PRODUCTION,
    )
    assert s["broker"] == "redis://broker.internal:6379/0"
    assert s["cache_location"] == "redis://redis.internal:6379/2"


def test_the_openapi_schema_generates_and_validates(tmp_path):
    # Left out of `check --deploy` (ENABLE_DJANGO_DEPLOY_CHECK=False); errors fail here.
    out = tmp_path / "schema.yml"
    result = run_manage(tmp_path, "spectacular", "--validate", "--file", str(out), **PRODUCTION)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "openapi: 3" in out.read_text()
    assert " Error " not in result.stderr and "Error #" not in result.stderr, result.stderr[-3000:]


def test_nothing_configured_is_development_mode(tmp_path):
    """A bare ``manage.py`` on a developer's machine works: the embedded default."""
    result = run_manage(tmp_path, "check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert probe_settings(tmp_path)["debug"] is True


def test_a_secret_key_without_debug_means_production(tmp_path):
    s = probe_settings(tmp_path, SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="chorus.example.com")
    assert s["debug"] is False
