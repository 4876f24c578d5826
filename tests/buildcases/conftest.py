import pytest

from tests import factories


@pytest.fixture
def park_operator(park):
    return factories.user("park_operator", park_role="park_operator")


@pytest.fixture
def secondary_case(park, park_admin):
    from apps.buildcases import services

    return services.case_create(actor=park_admin, title="园区二级节点建设", mode="secondary")


@pytest.fixture
def alpha_case(park, park_admin, enterprise_a):
    from apps.buildcases import services

    return services.case_create(
        actor=park_admin, title="Alpha 企业节点", mode="enterprise", enterprise=enterprise_a
    )


@pytest.fixture
def beta_case(park, park_admin, enterprise_b):
    from apps.buildcases import services

    return services.case_create(
        actor=park_admin, title="Beta 企业节点", mode="enterprise", enterprise=enterprise_b
    )
