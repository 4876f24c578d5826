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
