"""Inserting many rows at once.

`bulk_create` on PostgreSQL binds every value client-side into one statement; for tens of
thousands of rows with JSON columns (an emulation period's verdicts) the quoting alone costs
seconds. `copy_insert` streams the rows with COPY instead; SQLite keeps `bulk_create`.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, models
from django.db.models import Model


def copy_insert(model: type[Model], objs: Iterable[Model], batch_size: int = 2000) -> int:
    """Insert `objs` (new rows: their primary keys are not set) and return how many."""
    objs = list(objs)
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objs, batch_size=batch_size)
        return len(objs)
    fields, columns = _columns(model)
    with connection.cursor() as cursor:
        _copy(cursor, connection.ops.quote_name(model._meta.db_table), fields, columns, objs)
    return len(objs)


def _columns(model: type[Model]):
    """Every stored field but the primary key, and their quoted column list."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    return fields, ", ".join(connection.ops.quote_name(f.column) for f in fields)


# Fields whose stored value is the attribute itself on PostgreSQL: Django's preparation of them only
# checks and converts what is already a str, an int, a bool or a foreign key's id. Skipping it
# for them halves the time of a large COPY; anything else (JSON, auto_now, dates, decimals, a
# value of another type) still goes through get_db_prep_save.
_AS_IS = (models.CharField, models.TextField, models.IntegerField, models.BooleanField)
_AS_IS_TYPES = (str, int, bool, type(None))


def _preparer(field):
    full = lambda obj: field.get_db_prep_save(field.pre_save(obj, add=obj.pk is None), connection)  # noqa: E731
    as_is = isinstance(field, _AS_IS)
    if isinstance(field, models.ForeignKey):
        as_is = isinstance(field.target_field, (models.AutoField, models.BigAutoField, models.IntegerField))
    if not as_is or type(field).pre_save is not models.Field.pre_save:
        return full
    attname = field.attname

    def prepare(obj):
        value = getattr(obj, attname)
        return value if type(value) in _AS_IS_TYPES else full(obj)

    return prepare


def _copy(cursor, table: str, fields, columns: str, objs: list[Model]) -> None:
    preparers = [_preparer(f) for f in fields]
    with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for obj in objs:
            copy.write_row([prepare(obj) for prepare in preparers])


def copy_upsert(model: type[Model], objs: Iterable[Model], *, unique_fields: list[str], update_fields: list[str],
                batch_size: int = 1000) -> int:
    """Insert or update `objs` on their unique fields. PostgreSQL: COPY into a temporary table,
    then one INSERT … ON CONFLICT DO UPDATE from it; SQLite: `bulk_create(update_conflicts=True)`."""
    objs = list(objs)
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objs, batch_size=batch_size, update_conflicts=True, unique_fields=unique_fields,
                                  update_fields=update_fields)
        return len(objs)
    quote = connection.ops.quote_name
    meta = model._meta
    fields, columns = _columns(model)
    conflict = ", ".join(quote(meta.get_field(name).column) for name in unique_fields)
    updates = ", ".join(f"{quote(meta.get_field(name).column)} = EXCLUDED.{quote(meta.get_field(name).column)}"
                        for name in update_fields)
    staging = quote(f"staging_{meta.db_table}")
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE {staging} ON COMMIT DROP AS "
                       f"SELECT {columns} FROM {quote(meta.db_table)} WITH NO DATA")
        _copy(cursor, staging, fields, columns, objs)
        cursor.execute(f"INSERT INTO {quote(meta.db_table)} ({columns}) SELECT {columns} FROM {staging} "
                       f"ON CONFLICT ({conflict}) DO UPDATE SET {updates}")
        cursor.execute(f"DROP TABLE {staging}")
    return len(objs)
