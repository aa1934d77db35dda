"""``python -m bench`` (``make bench``): benchmark Chorus on PostgreSQL.

Without ``DATABASE_URL`` it uses ``postgres://postgres@127.0.0.1:5432/chorus_bench``
(created when missing); Redis only when ``REDIS_URL`` is set. Runs with ``DEBUG`` off.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/chorus_bench"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--requests", type=int, default=None, help="measured requests (50)")
    parser.add_argument("--warmup", type=int, default=None, help="warm-up requests (= requests)")
    parser.add_argument("--members", type=int, default=None, help="scale tenant size (50,000)")
    parser.add_argument("--departments", type=int, default=40)
    parser.add_argument("--org-slug", default=None, help="scale tenant (scale; scale-quick)")
    parser.add_argument(
        "--quick", action="store_true", help="smoke test: 5 requests, 2,000 members"
    )
    parser.add_argument("-k", "--only", default="", help="only scenarios whose name has this")
    parser.add_argument(
        "--recreate",
        action="store_true",
        help="drop and recreate the default bench database first (to time a fresh seed); "
        "refused when DATABASE_URL is set",
    )
    args = parser.parse_args(argv)
    args.requests = args.requests or (5 if args.quick else 50)
    args.members = args.members if args.members is not None else (2_000 if args.quick else 50_000)
    args.org_slug = args.org_slug or ("scale-quick" if args.quick else "scale")
    if args.requests < 1 or args.members < 0:
        parser.error("--requests must be >= 1 and --members >= 0")
    return args


def prepare_environment() -> bool:
    """Environment defaults of a benchmark run; returns whether DATABASE_URL was unset."""
    default_db = not os.environ.get("DATABASE_URL")
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    # Production-like: DEBUG off (and no SQL kept in memory), so a throwaway key is needed.
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(64))
    os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    return default_db


def drop_database(db: dict) -> None:
    import psycopg2
    from psycopg2 import sql

    conn = psycopg2.connect(
        dbname="postgres",
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
    )
    try:
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(db["NAME"])
                )
            )
    finally:
        conn.close()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    default_db = prepare_environment()
    import django

    django.setup()
    from django.conf import settings

    from advocacy.demo import local_postgres_database_ensure

    db = settings.DATABASES["default"]
    if args.recreate:
        if not default_db:
            print("--recreate only drops the default bench database; DATABASE_URL is set.")
            return 2
        drop_database(db)
    if local_postgres_database_ensure(db):
        print(f"Created database {db['NAME']}.")

    from bench.harness import run

    return run(
        out=sys.stdout,
        requests=args.requests,
        warmup=args.warmup,
        members=args.members,
        departments=args.departments,
        slug=args.org_slug,
        quick=args.quick,
        only=args.only,
    )


if __name__ == "__main__":
    sys.exit(main())
