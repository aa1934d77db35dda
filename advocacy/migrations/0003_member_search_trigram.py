"""Trigram indexes for the members search (name and e-mail, case-insensitive substring).

The members list filters with ``icontains``, which PostgreSQL runs as
``UPPER(col::text) LIKE UPPER('%q%')``; GIN indexes over exactly those expressions with
``gin_trgm_ops`` let it answer from the index at 50,000+ members. Other databases (SQLite
in development and tests) have no pg_trgm: the migration does nothing there and the same
query runs as a plain scan, which is fine at their sizes.
"""

from django.db import migrations

INDEXES = {
    "advocacy_user_email_trgm": 'UPPER(("email")::text) gin_trgm_ops',
    "advocacy_user_name_trgm": 'UPPER(("name")::text) gin_trgm_ops',
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, expression in INDEXES.items():
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "advocacy_user" USING gin ({expression}) WITH (fastupdate = off)'
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("advocacy", "0002_invitation_name_member_indexes")]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
