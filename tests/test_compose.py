"""Production packaging, checked without a Docker engine: docker-compose.yml is parsed with
PyYAML and the Dockerfile line by line, and everything they name must exist in the code:
services and their health checks, Celery apps, the WSGI callable, the environment
variables settings.py reads, the files the image copies, and the build's collectstatic."""

from __future__ import annotations

import importlib
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from celery import Celery
from celery.app.utils import find_app
from django.apps import apps
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES: dict[str, dict[str, Any]] = COMPOSE["services"]
APP_SERVICES = {name: s for name, s in SERVICES.items() if "build" in s}
SETTINGS_SOURCE = (ROOT / "advocacy" / "settings.py").read_text()

# --- Helpers ---------------------------------------------------------------------------

_ENV_READ = re.compile(
    r"""env\.(?:str|bool|int|float|list|tuple|dict|json|url|db_url|db|cache_url|cache|"""
    r"""email_url|email|path)\(\s*["']([A-Z][A-Z0-9_]*)["']"""
    r"""|os\.environ\.get\(\s*["']([A-Z][A-Z0-9_]*)["']"""
    r"""|os\.environ\[\s*["']([A-Z][A-Z0-9_]*)["']\]"""
    r"""|os\.getenv\(\s*["']([A-Z][A-Z0-9_]*)["']"""
)


def settings_env_names() -> set[str]:
    """Every environment variable advocacy/settings.py reads."""
    return {next(g for g in m.groups() if g) for m in _ENV_READ.finditer(SETTINGS_SOURCE)}


def command_of(service: dict[str, Any]) -> list[str]:
    cmd = service.get("command")
    if cmd is None:
        return dockerfile_exec("CMD")
    return shlex.split(cmd) if isinstance(cmd, str) else [str(c) for c in cmd]


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs with line continuations joined and comments dropped."""
    joined: list[str] = []
    buffer = ""
    for raw in (ROOT / "Dockerfile").read_text().splitlines():
        line = raw.strip()
        if not buffer and (not line or line.startswith("#")):
            continue
        if line.startswith("#"):
            continue
        if line.endswith("\\"):
            buffer += line[:-1] + " "
            continue
        joined.append(buffer + line)
        buffer = ""
    out = []
    for line in joined:
        instruction, _, args = line.partition(" ")
        out.append((instruction.upper(), args.strip()))
    return out


def dockerfile_exec(instruction: str) -> list[str]:
    import json

    found = [args for ins, args in dockerfile_instructions() if ins == instruction]
    assert found, f"the Dockerfile has no {instruction}"
    args = found[-1]
    if instruction == "HEALTHCHECK":
        args = args[args.index("CMD") + 3 :].strip()
    return json.loads(args) if args.startswith("[") else shlex.split(args)


def dockerignore_patterns() -> list[tuple[bool, re.Pattern[str]]]:
    rules = []
    for raw in (ROOT / ".dockerignore").read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        pattern = line.lstrip("!").strip("/")
        regex = ""
        i = 0
        while i < len(pattern):
            if pattern.startswith("**", i):
                regex += ".*"
                i += 2
            elif pattern[i] == "*":
                regex += "[^/]*"
                i += 1
            elif pattern[i] == "?":
                regex += "[^/]"
                i += 1
            else:
                regex += re.escape(pattern[i])
                i += 1
        rules.append((negate, re.compile(regex + r"\Z")))
    return rules


def is_ignored(relative: str) -> bool:
    """Docker's rule: a path is excluded if it or one of its parent directories matches
    the last matching pattern (``!`` re-includes)."""
    parts = relative.strip("/").split("/")
    candidates = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    ignored = False
    for negate, rule in dockerignore_patterns():
        if any(rule.match(c) for c in candidates):
            ignored = not negate
    return ignored


def project_app_dirs() -> list[str]:
    dirs = []
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if path.is_relative_to(ROOT.resolve()) and not path.is_relative_to(ROOT / ".venv"):
            dirs.append(str(path.relative_to(ROOT.resolve())))
    return dirs


# --- docker-compose.yml -------------------------------------------------------------------


def test_the_services_exist():
    assert {"web", "worker", "beat", "migrate", "postgres", "redis"} <= set(SERVICES)
    assert {"web", "worker", "beat", "migrate"} <= set(APP_SERVICES)


def test_postgres_has_a_volume_and_a_health_check():
    pg = SERVICES["postgres"]
    assert str(pg["image"]).startswith("postgres:16")
    mounts = [str(v) for v in pg["volumes"]]
    assert any(m.endswith(":/var/lib/postgresql/data") for m in mounts)
    assert mounts[0].split(":")[0] in COMPOSE["volumes"]
    assert "pg_isready" in " ".join(pg["healthcheck"]["test"])


def test_redis_has_a_volume_and_a_health_check():
    redis = SERVICES["redis"]
    assert str(redis["image"]).startswith("redis:7")
    mounts = [str(v) for v in redis["volumes"]]
    assert any(m.endswith(":/data") for m in mounts)
    assert mounts[0].split(":")[0] in COMPOSE["volumes"]
    assert redis["healthcheck"]["test"][-2:] == ["redis-cli", "ping"]


def _option(command: list[str], name: str) -> str | None:
    return command[command.index(name) + 1] if name in command else None


def test_redis_keeps_queued_clicks_in_an_append_only_file_fsynced_every_second():
    """The bound the README promises (a crash loses at most ~2 s of clicks) holds only with
    these options; the crash test (social/tests/test_clicks_crash.py) starts its redis-server
    with the very same ones."""
    from social.tests.redis_support import PRODUCTION_PERSISTENCE

    command = command_of(SERVICES["redis"])
    assert command[0] == "redis-server"
    assert _option(command, "--appendonly") == "yes"
    assert _option(command, "--appendfsync") == "everysec"
    assert _option(command, "--save") in (None, "")  # no snapshot setting overrides the AOF
    pairs = dict(zip(PRODUCTION_PERSISTENCE[::2], PRODUCTION_PERSISTENCE[1::2], strict=True))
    assert {name: _option(command, name) for name in pairs} == pairs


def test_migrate_runs_once_before_the_app_starts():
    migrate = APP_SERVICES["migrate"]
    assert command_of(migrate)[:3] == ["python", "manage.py", "migrate"]
    assert migrate["restart"] == "no"
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name in ("web", "worker", "beat"):
        deps = APP_SERVICES[name]["depends_on"]
        assert deps["migrate"]["condition"] == "service_completed_successfully", name
        assert deps["postgres"]["condition"] == "service_healthy", name
        assert deps["redis"]["condition"] == "service_healthy", name


def test_web_runs_gunicorn_on_an_existing_wsgi_callable():
    cmd = command_of(APP_SERVICES["web"])
    assert cmd[0] == "gunicorn"
    target = next(arg for arg in cmd[1:] if ":" in arg and not arg.startswith("-"))
    module_name, attr = target.split(":")
    assert callable(getattr(importlib.import_module(module_name), attr))
    if "--config" in cmd:
        assert (ROOT / cmd[cmd.index("--config") + 1]).is_file()


def test_web_health_check_probes_healthz():
    test = APP_SERVICES["web"]["healthcheck"]["test"]
    assert test[0] == "CMD"
    assert "/healthz" in " ".join(test)
    if test[1:3] == ["python", "-c"]:
        compile(test[3], "<web healthcheck>", "exec")


def celery_commands() -> list[tuple[str, list[str]]]:
    found = []
    for name, service in APP_SERVICES.items():
        cmd = command_of(service)
        if cmd and cmd[0] == "celery":
            found.append((name, cmd))
        check = service.get("healthcheck", {}).get("test")
        if check and not isinstance(check, str) and "celery" in " ".join(check):
            found.append((f"{name} healthcheck", shlex.split(check[-1])))
    return found


def test_every_celery_command_names_an_importable_app():
    commands = celery_commands()
    assert {n for n, _ in commands} >= {"worker", "beat"}
    for name, cmd in commands:
        app_name = cmd[cmd.index("-A") + 1]
        app = find_app(app_name)
        assert isinstance(app, Celery), name
        assert app.main == "chorus"


def test_the_worker_consumes_every_queue_and_beat_runs():
    worker = command_of(APP_SERVICES["worker"])
    assert "worker" in worker
    queues = worker[worker.index("-Q") + 1].split(",")
    assert sorted(queues) == sorted(settings.CHORUS_QUEUES)
    assert "beat" in command_of(APP_SERVICES["beat"])


def test_app_environment_uses_only_variables_settings_reads():
    read = settings_env_names()
    assert {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "EMAIL_URL", "ALLOWED_HOSTS"} <= read
    for name, service in APP_SERVICES.items():
        env = service.get("environment", {})
        if isinstance(env, list):
            env = dict(item.split("=", 1) for item in env)
        unknown = set(env) - read
        assert not unknown, f"{name} sets {sorted(unknown)}, which advocacy/settings.py never reads"


def test_app_environment_is_production():
    required = {
        "DATABASE_URL",
        "REDIS_URL",
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "CSRF_TRUSTED_ORIGINS",
        "SITE_URL",
        "EMAIL_URL",
        "DEBUG",
        "SECURE_SSL_REDIRECT",
    }
    for name, service in APP_SERVICES.items():
        env = service["environment"]
        assert required <= set(env), (name, required - set(env))
        assert str(env["DEBUG"]).lower() == "false"
        assert env["DATABASE_URL"].startswith("postgres://") and "@postgres:" in env["DATABASE_URL"]
        assert env["REDIS_URL"].startswith("redis://redis:")
        assert ":?" in env["SECRET_KEY"], "SECRET_KEY must be required, never defaulted"


def test_app_services_share_the_data_volume():
    for name in ("web", "worker"):
        mounts = [str(v) for v in APP_SERVICES[name]["volumes"]]
        assert any(m.endswith(":/var/lib/chorus") for m in mounts), name
    assert "chorus-data" in COMPOSE["volumes"]


def test_processes_without_http_do_not_inherit_the_web_health_check():
    for name in ("worker", "beat", "migrate"):
        check = APP_SERVICES[name].get("healthcheck", {})
        assert check.get("disable") is True or "healthz" not in " ".join(check.get("test", [])), (
            name
        )


# --- Dockerfile ---------------------------------------------------------------------------


def test_dockerfile_base_image_and_user():
    instructions = dockerfile_instructions()
    assert instructions[0] == ("FROM", "python:3.11-slim")
    users = [args for ins, args in instructions if ins == "USER"]
    assert users and users[-1] not in ("root", "0"), "the image must not run as root"
    names = [ins for ins, _ in instructions]
    assert names.index("USER") < names.index("CMD")


def test_dockerfile_installs_the_lock_then_the_project_without_deps():
    runs = [args for ins, args in dockerfile_instructions() if ins == "RUN"]
    lock = next(i for i, r in enumerate(runs) if "pip install -r requirements-prod.lock" in r)
    project = next(i for i, r in enumerate(runs) if re.search(r"pip install --no-deps (-e )?\.", r))
    assert lock < project


def test_dockerfile_copy_sources_exist_and_are_not_ignored():
    copies = [args for ins, args in dockerfile_instructions() if ins == "COPY"]
    assert copies
    for args in copies:
        parts = [p for p in shlex.split(args) if not p.startswith("--")]
        for source in parts[:-1]:
            assert (ROOT / source).exists(), f"COPY {source}: no such file in the build context"
            if source != ".":
                assert not is_ignored(source), f"COPY {source} is excluded by .dockerignore"


def test_dockerignore_keeps_what_the_product_needs():
    needed = [
        "manage.py",
        "pyproject.toml",
        "requirements-prod.lock",
        "gunicorn.conf.py",
        "templates",
        "static",
        "locale",
        *project_app_dirs(),
    ]
    kept_out = [p for p in needed if is_ignored(p)]
    assert not kept_out, f".dockerignore excludes {kept_out}"
    for heavy in (".venv", ".git", "var", "tests"):
        assert is_ignored(heavy), heavy
    assert is_ignored("advocacy/tests/test_tenancy.py")
    assert not is_ignored("advocacy/models.py")


def test_dockerfile_cmd_and_healthcheck():
    cmd = dockerfile_exec("CMD")
    assert cmd[:2] == ["gunicorn", "advocacy.wsgi:application"]
    module_name, attr = cmd[1].split(":")
    assert callable(getattr(importlib.import_module(module_name), attr))
    if "--config" in cmd:
        assert (ROOT / cmd[cmd.index("--config") + 1]).is_file()
    check = dockerfile_exec("HEALTHCHECK")
    assert "/healthz" in " ".join(check)
    if check[:2] == ["python", "-c"]:
        compile(check[2], "<HEALTHCHECK>", "exec")
    assert dockerfile_exec("CMD") == command_of(APP_SERVICES["web"])


def test_dockerfile_env_is_read_by_the_app():
    tool_vars = {
        "PYTHONDONTWRITEBYTECODE",
        "PYTHONUNBUFFERED",
        "PIP_NO_CACHE_DIR",
        "PIP_DISABLE_PIP_VERSION_CHECK",
        "DJANGO_SETTINGS_MODULE",
        "PORT",  # gunicorn.conf.py
    }
    names = set()
    for ins, args in dockerfile_instructions():
        if ins == "ENV":
            names |= {m.group(1) for m in re.finditer(r"([A-Z][A-Z0-9_]*)=", args)}
    unknown = names - tool_vars - settings_env_names()
    assert not unknown, f"the Dockerfile sets {sorted(unknown)}, which nothing reads"


@pytest.fixture(scope="module")
def collected_static(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Run the image's collectstatic step the way the Dockerfile does."""
    run = next(
        args for ins, args in dockerfile_instructions() if ins == "RUN" and "collectstatic" in args
    )
    found = re.search(r"SECRET_KEY=(\S+)", run)
    assert found, "the Dockerfile's collectstatic step sets no SECRET_KEY"
    build_key = found.group(1)
    tmp = tmp_path_factory.mktemp("image")
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp),
        "DJANGO_SETTINGS_MODULE": "advocacy.settings",
        "CHORUS_VAR_DIR": str(tmp / "var"),
        "STATIC_ROOT": str(tmp / "staticfiles"),
        "SECRET_KEY": build_key,
        "DEBUG": "false",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return tmp / "staticfiles"


def test_build_time_collectstatic_produces_a_manifest(collected_static: Path):
    manifest = collected_static / "staticfiles.json"
    assert manifest.is_file()
    assert (collected_static / "js" / "htmx.min.js").is_file()
    assert list(collected_static.glob("css/app.*.css")), "hashed CSS for the manifest storage"
