"""Bulk writes the ORM doesn't offer in one statement: insert-ignore (optionally returning rows)
and "set one column to a different value per row". Used by the notification writer and the sweeps.

On PostgreSQL rows travel as one array per column (`unnest`): a statement costs a few
parameters however many rows it carries. On SQLite, a VALUES list.
"""

from collections.abc import Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models


def _columns(model: type[models.Model], rows: Sequence[dict[str, Any]], db):
    fields = [model._meta.get_field(name) for name in rows[0]]
    values = [[field.get_db_prep_save(row[field.name], db) for row in rows] for field in fields]
    return fields, values


def _insert_sql(model, fields, values, *, unique: Sequence[str], returning: Sequence[str], db):
    meta, quote = model._meta, db.ops.quote_name
    target = f"{quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)})"
    conflict = f"ON CONFLICT ({', '.join(quote(meta.get_field(n).column) for n in unique)}) DO NOTHING"
    tail = f" RETURNING {', '.join(quote(meta.get_field(n).column) for n in returning)}" if returning else ""
    if db.vendor == "postgresql":
        arrays = ", ".join(f"%s::{f.db_type(db)}[]" for f in fields)
        # unnest keeps the rows' order: callers that sort rows get a deadlock-free lock order
        return f"INSERT INTO {target} SELECT * FROM unnest({arrays}) {conflict}{tail}", values
    rows = ", ".join(["(" + ", ".join(["%s"] * len(fields)) + ")"] * len(values[0]))
    return f"INSERT INTO {target} VALUES {rows} {conflict}{tail}", [
        v for row in zip(*values, strict=False) for v in row
    ]


def insert_ignore(
    model: type[models.Model], rows: Sequence[dict[str, Any]], *, unique: Sequence[str], returning: Sequence[str] = ()
) -> list[tuple] | int:
    """INSERT rows, skipping those that conflict on `unique`, in one statement.

    Returns the `returning` columns of the rows actually inserted, or (without `returning`)
    how many were inserted. Rows are dicts of field name → value, all with the same keys.
    """
    if not rows:
        return [] if returning else 0
    db = connections[DEFAULT_DB_ALIAS]
    fields, values = _columns(model, rows, db)
    sql, params = _insert_sql(model, fields, values, unique=unique, returning=returning, db=db)
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if returning else cursor.rowcount


def set_column_by_id(model: type[models.Model], column: str, values: dict[int, Any]) -> None:
    """Set one column to a different value per row id, in one UPDATE."""
    if not values:
        return
    db = connections[DEFAULT_DB_ALIAS]
    meta, quote = model._meta, db.ops.quote_name
    model_field = meta.get_field(column)
    table, col, pk = quote(meta.db_table), quote(model_field.column), quote(meta.pk.column)
    ids = list(values)
    prepared = [model_field.get_db_prep_save(values[i], db) for i in ids]
    with db.cursor() as cursor:
        if db.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {table} SET {col} = v.value FROM unnest(%s::{meta.pk.db_type(db)}[], "
                f"%s::{model_field.db_type(db)}[]) AS v(id, value) WHERE {table}.{pk} = v.id",
                [ids, prepared],
            )
        else:  # SQLite ≥ 3.33 (UPDATE … FROM); VALUES columns are column1, column2
            rows = ", ".join(["(%s, %s)"] * len(ids))
            cursor.execute(
                f"UPDATE {table} SET {col} = v.column2 FROM (VALUES {rows}) AS v WHERE {table}.{pk} = v.column1",
                [p for pair in zip(ids, prepared, strict=False) for p in pair],
            )
