"""PostgreSQL only: trigram indexes for the permit list's search (number, title, location).

The list searches with `icontains`, which PostgreSQL runs as UPPER(column) LIKE UPPER('%term%');
a GIN trigram index on UPPER(column) answers that without reading every permit. SQLite (the
embedded default, small sites) scans, so nothing is created there.
"""

from django.db import migrations

COLUMNS = ("permit_number", "title", "location")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS permit_search_{column} ON ptw_permit USING gin (UPPER({column}) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS permit_search_{column}")


class Migration(migrations.Migration):
    dependencies = [
        ("ptw", "0004_board_and_permit_list_indexes"),
    ]

    operations = [migrations.RunPython(create, drop)]
