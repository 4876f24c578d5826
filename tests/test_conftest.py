"""The shared fixtures give every test the same park and enterprises, even after a transactional
test flushed the tables and the fixtures made them again."""

import pytest

from tests.conftest import FIXTURES_CREATED_AT


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_flushes_the_tables_after_it(enterprise_a):
    assert enterprise_a.pk


@pytest.mark.django_db(transaction=True)
def test_after_a_flush_content_types_keep_the_ids_every_schema_holds(_migrated_public_ids, enterprise_a):
    """The flush after the test above made the public content types and permissions again under
    new ids (93-184 for 1-92 here); each test starts with the ids the session migrated, which the
    enterprises' schemas hold too, so a cached content type means the same row in every schema."""
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    from tests.conftest import _NUMBERED, _public_ids

    with connection.cursor() as cursor:
        for table, keys in _NUMBERED:
            assert _public_ids(cursor, table, keys) == _migrated_public_ids[table]
    connection.set_tenant(enterprise_a)
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM django_content_type WHERE app_label = 'auth' AND model = 'permission'")
        (in_the_enterprise,) = cursor.fetchone()
    connection.set_schema_to_public()
    assert ContentType.objects.get_for_model(Permission).pk == in_the_enterprise


@pytest.mark.django_db(transaction=True)
def test_the_fixtures_made_again_joined_when_the_sessions_did(frozen_clock, park, enterprise_a, enterprise_b):
    for enterprise in (enterprise_a, enterprise_b):
        enterprise.refresh_from_db()
        assert enterprise.created_at == FIXTURES_CREATED_AT


@pytest.fixture(scope="module")
def _built_once_per_module():
    return object()


def test_a_module_with_a_module_fixture_is_one_xdist_group(request, _built_once_per_module):
    """tests/conftest.py's collection hook: the module is one ``xdist_group`` and, in an xdist
    worker under ``--dist loadgroup``, the test's id carries the group as xdist's scheduler reads
    it (``nodeid@group``), so the module's tests go to one worker."""
    mark = request.node.get_closest_marker("xdist_group")
    assert mark is not None and mark.args[0] == "tests/test_conftest.py"
    config = request.config
    if hasattr(config, "workerinput") and config.getvalue("loadgroup"):
        assert request.node.nodeid.endswith(
            "::test_a_module_with_a_module_fixture_is_one_xdist_group@tests/test_conftest.py"
        )
