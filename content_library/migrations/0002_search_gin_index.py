"""GIN index for full-text search, on PostgreSQL only (SQLite searches search_text)."""

from django.db import migrations


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS contentitem_search_gin "
        "ON content_library_contentitem USING gin (search_vector)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS contentitem_search_gin")


class Migration(migrations.Migration):
    dependencies = [("content_library", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index)]
