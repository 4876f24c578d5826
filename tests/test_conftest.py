"""The shared fixtures give every test the same park and enterprises, even after a transactional
test flushed the tables and the fixtures made them again."""

import pytest

from tests.conftest import FIXTURES_CREATED_AT


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_flushes_the_tables_after_it(enterprise_a):
    assert enterprise_a.pk


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
