"""The base schema's clone (apps.tenants.cloning) is the base again under another name: the same
tables, columns, constraints and indexes by name, its rows, identity columns that continue
where the base's stand, foreign keys pointing inside the new schema."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection

from apps.tenants.cloning import clone_base_schema

pytestmark = pytest.mark.django_db

NEW = "zz_clone_check"


def shape(schema: str) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attidentity,
                   pg_get_expr(d.adbin, d.adrelid)
            FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE c.relnamespace = %s::regnamespace AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
            ORDER BY 1, a.attnum
            """,
            [schema],
        )
        columns = cursor.fetchall()
        cursor.execute(
            """
            SELECT c.relname, k.conname, k.contype, pg_get_constraintdef(k.oid), rn.nspname = %s
            FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
            LEFT JOIN pg_class r ON r.oid = k.confrelid LEFT JOIN pg_namespace rn ON rn.oid = r.relnamespace
            WHERE c.relnamespace = %s::regnamespace ORDER BY 1, 2
            """,
            [schema, schema],
        )
        constraints = [
            (t, n, k, d.replace(f"{schema}.", "<schema>."), own) for t, n, k, d, own in cursor.fetchall()
        ]
        cursor.execute(
            """
            SELECT x.relname, replace(pg_get_indexdef(i.indexrelid), %s, '<schema>.')
            FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid
            WHERE x.relnamespace = %s::regnamespace ORDER BY 1
            """,
            [f"{schema}.", schema],
        )
        indexes = cursor.fetchall()
        cursor.execute(f'SELECT app, name FROM "{schema}".django_migrations ORDER BY id')
        migrations = cursor.fetchall()
    return {"columns": columns, "constraints": constraints, "indexes": indexes, "migrations": migrations}


@pytest.fixture
def clone():
    yield NEW
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA IF EXISTS "{NEW}" CASCADE')


def test_a_clone_has_the_base_schemas_shape_and_rows(park, clone):
    base = settings.TENANT_BASE_SCHEMA

    assert clone_base_schema(base, NEW) is True

    assert shape(NEW) == shape(base)
    assert shape(NEW)["migrations"]  # the base's migration history came along
    with connection.cursor() as cursor:
        # identity continues after the base's rows; the foreign key points into the clone
        cursor.execute(f'SELECT max(id) FROM "{base}".django_content_type')
        last = cursor.fetchone()[0]
        cursor.execute(
            f'INSERT INTO "{NEW}".django_content_type (app_label, model) VALUES (%s, %s) RETURNING id',
            ["x", "y"],
        )
        assert cursor.fetchone()[0] == last + 1
        cursor.execute(
            "SELECT confrelid::regclass::text FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f'",
            [f'"{NEW}".terminals_reading'],
        )
        assert cursor.fetchone()[0] == f"{NEW}.terminals_reportbatch"
