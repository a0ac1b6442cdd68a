"""Bulk writes the ORM doesn't offer in one statement: insert-ignore (optionally returning rows)
and "set one column to a different value per row". Used by the notification writer and the sweeps.

On PostgreSQL rows travel as one array per column (`unnest`): a statement costs a few
parameters however many rows it carries. On SQLite, a VALUES list.
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.backends.utils import CursorWrapper


def _column(model: type[models.Model], name: str) -> "models.Field[Any, Any]":
    """The concrete field `name` of `model` (a reverse relation has no column)."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"{model.__name__}.{name} is not a column")
    return field


def _columns(model: type[models.Model], rows: Sequence[dict[str, Any]], db: Any) -> tuple[list[Any], list[Any]]:
    fields = [_column(model, name) for name in rows[0]]
    values = [[field.get_db_prep_save(row[field.name], db) for row in rows] for field in fields]
    return fields, values


def _insert_sql(
    model: type[models.Model],
    fields: list[Any],
    values: list[Any],
    *,
    unique: Sequence[str],
    returning: Sequence[str],
    db: Any,
) -> tuple[str, list[Any]]:
    meta, quote = model._meta, db.ops.quote_name
    target = f"{quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)})"
    conflict = f"ON CONFLICT ({', '.join(quote(_column(model, n).column) for n in unique)}) DO NOTHING"
    tail = f" RETURNING {', '.join(quote(_column(model, n).column) for n in returning)}" if returning else ""
    if db.vendor == "postgresql":
        arrays = ", ".join(f"%s::{f.db_type(db)}[]" for f in fields)
        # unnest keeps the rows' order: callers that sort rows get a deadlock-free lock order
        return f"INSERT INTO {target} SELECT * FROM unnest({arrays}) {conflict}{tail}", values
    rows = ", ".join(["(" + ", ".join(["%s"] * len(fields)) + ")"] * len(values[0]))
    return f"INSERT INTO {target} VALUES {rows} {conflict}{tail}", [
        v for row in zip(*values, strict=False) for v in row
    ]


def insert_ignore(model: type[models.Model], rows: Sequence[dict[str, Any]], *, unique: Sequence[str]) -> int:
    """INSERT rows, skipping those that conflict on `unique`, in one statement; return how many
    were inserted. Rows are dicts of field name → value, all with the same keys."""
    if not rows:
        return 0
    with _execute_insert(model, rows, unique=unique, returning=()) as cursor:
        return cursor.rowcount


def insert_ignore_returning(
    model: type[models.Model], rows: Sequence[dict[str, Any]], *, unique: Sequence[str], returning: Sequence[str]
) -> list[tuple[Any, ...]]:
    """As insert_ignore; return the `returning` columns of the rows actually inserted."""
    if not rows:
        return []
    with _execute_insert(model, rows, unique=unique, returning=returning) as cursor:
        return cursor.fetchall()


@contextmanager
def _execute_insert(
    model: type[models.Model], rows: Sequence[dict[str, Any]], *, unique: Sequence[str], returning: Sequence[str]
) -> Iterator[CursorWrapper]:
    db = connections[DEFAULT_DB_ALIAS]
    fields, values = _columns(model, rows, db)
    sql, params = _insert_sql(model, fields, values, unique=unique, returning=returning, db=db)
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        yield cursor


def set_column_by_id(model: type[models.Model], column: str, values: dict[int, Any]) -> None:
    """Set one column to a different value per row id, in one UPDATE."""
    if not values:
        return
    db = connections[DEFAULT_DB_ALIAS]
    meta, quote = model._meta, db.ops.quote_name
    model_field, pk_field = _column(model, column), _column(model, meta.pk.name if meta.pk else "id")
    table, col, pk = quote(meta.db_table), quote(str(model_field.column)), quote(str(pk_field.column))
    ids = list(values)
    prepared = [model_field.get_db_prep_save(values[i], db) for i in ids]
    with db.cursor() as cursor:
        if db.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {table} SET {col} = v.value FROM unnest(%s::{pk_field.db_type(db)}[], "
                f"%s::{model_field.db_type(db)}[]) AS v(id, value) WHERE {table}.{pk} = v.id",
                [ids, prepared],
            )
        else:  # SQLite ≥ 3.33 (UPDATE … FROM); VALUES columns are column1, column2
            rows = ", ".join(["(%s, %s)"] * len(ids))
            cursor.execute(
                f"UPDATE {table} SET {col} = v.column2 FROM (VALUES {rows}) AS v WHERE {table}.{pk} = v.column1",
                [p for pair in zip(ids, prepared, strict=False) for p in pair],
            )
