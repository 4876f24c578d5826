import pytest

from tests import factories


@pytest.fixture
def park_finance(park):
    return factories.user("park_finance", park_role="park_finance")


@pytest.fixture
def finance_a(enterprise_a):
    return factories.member("finance_a", enterprise_a, role="enterprise_finance")


@pytest.fixture
def finance_b(enterprise_b):
    return factories.member("finance_b", enterprise_b, role="enterprise_finance")
