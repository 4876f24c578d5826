"""Migrating many enterprise schemas (apps.tenants.migrating): the schemas that lag are found
from the database, the migration they lack is written as SQL once and run in each of them with
its record; an up-to-date park is left alone; a schema the SQL fails in is named and the others
are still migrated."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection

from apps.tenants.cloning import clone_base_schema
from apps.tenants.migrating import leaf_migrations, migrate_schemas_fast, schemas_missing

# the SQL runs on connections of its own: what the test sets up must be committed
pytestmark = pytest.mark.django_db(transaction=True)

LAST = ("imports", "0003_importjob_language")  # AddField importjob.language, a tenant table
SCHEMAS = ["zz_mig_a", "zz_mig_b", "zz_mig_c"]


def has_column(schema: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM information_schema.columns WHERE table_schema = %s "
            "AND table_name = 'imports_importjob' AND column_name = 'language'",
            [schema],
        )
        return cursor.fetchone() is not None


def recorded(schema: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT 1 FROM "{schema}".django_migrations WHERE app = %s AND name = %s', list(LAST))
        return cursor.fetchone() is not None


@pytest.fixture
def lagging(park):
    """Three clones of the base schema as they were before LAST: column gone, record gone."""
    assert LAST in leaf_migrations()
    for schema in SCHEMAS:
        clone_base_schema(settings.TENANT_BASE_SCHEMA, schema)
        with connection.cursor() as cursor:
            cursor.execute(f'ALTER TABLE "{schema}".imports_importjob DROP COLUMN language')
            cursor.execute(
                f'DELETE FROM "{schema}".django_migrations WHERE app = %s AND name = %s', list(LAST)
            )
    yield SCHEMAS
    with connection.cursor() as cursor:
        for schema in SCHEMAS:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def test_lagging_schemas_get_the_migration_they_lack_and_a_failing_one_is_named(lagging):
    a, b, c = lagging
    with connection.cursor() as cursor:  # c already has the column (its record lost): the SQL fails there
        cursor.execute(f"ALTER TABLE \"{c}\".imports_importjob ADD COLUMN language varchar(16) DEFAULT ''")
    assert schemas_missing([a, b, c, settings.TENANT_BASE_SCHEMA], leaf_migrations()) == {
        a: frozenset({LAST}),
        b: frozenset({LAST}),
        c: frozenset({LAST}),
    }

    report = migrate_schemas_fast([a, b, c], workers=2, batch=2)

    assert report.migrations == ["imports.0003_importjob_language"]
    assert (report.migrated, sorted(report.failed)) == (2, [c])
    assert "language" in report.failed[c]
    assert has_column(a) and has_column(b) and recorded(a) and recorded(b)
    assert not recorded(c)  # its batch rolled back: no record without the change


def test_an_up_to_date_park_is_left_alone(lagging):
    a, b, _c = lagging
    migrate_schemas_fast([a, b])

    again = migrate_schemas_fast([a, b])

    assert (again.up_to_date, again.migrated, again.failed) == (2, 0, {})
