"""Fast bulk writes that bypass the ORM: COPY on PostgreSQL, executemany elsewhere.

Rows are tuples in the order of the given field names, with explicit primary keys handed out
by `IdBlock`, so related rows can be written without reading anything back. Datetimes are
naive UTC (the connection's time zone under USE_TZ), JSON values are already encoded strings.
"""

import itertools
from collections.abc import Iterable

from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max, Model

BATCH = 10_000


class IdBlock:
    """Primary keys for new rows of one model, after the largest one in use."""

    def __init__(self, model: type[Model]):
        self.next = (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1

    def take(self) -> int:
        value = self.next
        self.next += 1
        return value


def copy_rows(model: type[Model], fields: list[str], rows: Iterable[tuple]) -> int:
    """Write the rows into the model's table; return how many were written."""
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(model._meta.get_field(name).column) for name in fields)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        placeholders = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608 - names from model metadata
        iterator = iter(rows)
        while batch := list(itertools.islice(iterator, BATCH)):
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def sequences_reset(*models: type[Model]) -> None:
    """After writing explicit keys, move PostgreSQL's sequences past them."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
