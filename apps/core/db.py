"""PostgreSQL COPY for the bulk writers (imports, the audit chain, the sync outbox)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection


def copy_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence], *, schema: str = "") -> int:
    """COPY ``rows`` into ``table`` on Django's connection, inside the caller's transaction.
    The cursor comes from Django, so the tenant search path is set as for any query; ``schema``
    names the table's schema explicitly. Returns the number of rows written. Rows are streamed:
    a generator is never held whole in memory."""
    target = f'"{schema}"."{table}"' if schema else f'"{table}"'
    cols = ", ".join(f'"{c}"' for c in columns)
    count = 0
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {target} ({cols}) FROM STDIN") as copy:
            write = copy.write_row
            for row in rows:
                write(row)
                count += 1
    return count
