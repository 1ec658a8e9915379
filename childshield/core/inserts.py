"""New rows of several models written together: in one statement on PostgreSQL, in one transaction elsewhere.

For the few paths where each round trip to the database shows (the match API writes a match record
and its audit event for every call). The SQL is the ORM's own for each model's insert (defaults,
`pre_save` and each field's preparation for the database included), joined on PostgreSQL as
data-modifying `WITH` clauses, which run exactly once and to completion, all or nothing, as one
statement does: no BEGIN and COMMIT of their own. The rows are not read back (no primary keys are
set on the objects), and `save()` and the model signals are not called, as with `bulk_create`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection, transaction
from django.db.models import Model
from django.db.models.sql import InsertQuery


def _insert_sql(rows: Sequence[Model]) -> tuple[str, tuple[Any, ...]]:
    model = type(rows[0])
    assert all(type(row) is model for row in rows), "one model per group"
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    query = InsertQuery(model)
    query.insert_values(fields, list(rows))
    [(statement, params)] = query.get_compiler(connection=connection).as_sql()
    return statement, tuple(params)


def insert_together(*groups: Sequence[Model]) -> None:
    """Insert each group's rows (one model a group, groups in order), all of them or none."""
    groups = tuple(group for group in groups if group)
    if not groups:
        return
    if connection.vendor != "postgresql":
        with transaction.atomic():
            for group in groups:
                type(group[0])._default_manager.bulk_create(group)
        return
    parts = [_insert_sql(group) for group in groups]
    *first, (last, last_params) = parts
    clauses = ", ".join(f"w{number} AS ({statement})" for number, (statement, _p) in enumerate(first))
    statement = f"WITH {clauses} {last}" if clauses else last
    params = tuple(value for _s, group_params in first for value in group_params) + last_params
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
