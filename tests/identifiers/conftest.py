from __future__ import annotations

import pytest

from apps.identifiers.choices import PrefixStatus
from apps.identifiers.models import Prefix


@pytest.fixture
def seeds(db):
    from apps.metadata.demo import ensure_seed_templates

    return ensure_seed_templates()


def current(seeds, code):
    from apps.metadata.selectors import template_current_version

    return template_current_version(seeds[code])


@pytest.fixture
def mfg(seeds):
    """PARK-MFG: check character on, restricted items (production_line not public, G2/G3)."""
    return current(seeds, "PARK-MFG")


@pytest.fixture
def staff_version(seeds):
    return current(seeds, "PARK-ENT-STAFF")


@pytest.fixture
def building(seeds):
    return current(seeds, "PARK-BUILDING")


@pytest.fixture
def alpha(enterprise_a):
    Prefix.objects.get_or_create(
        prefix="88.101.ALPHA", defaults={"enterprise": enterprise_a, "status": PrefixStatus.ACTIVE}
    )
    return enterprise_a


@pytest.fixture
def beta(enterprise_b):
    Prefix.objects.get_or_create(
        prefix="88.101.BETA", defaults={"enterprise": enterprise_b, "status": PrefixStatus.ACTIVE}
    )
    return enterprise_b


@pytest.fixture
def operator(park):
    from apps.tenants.models import Enterprise

    op = Enterprise.objects.get(schema_name="public")
    Prefix.objects.get_or_create(
        prefix=f"88.101.{op.code}", defaults={"enterprise": op, "status": PrefixStatus.ACTIVE}
    )
    return op


def product(n: int = 1, **extra) -> dict:
    values = {
        "name": f"干式变压器{n}",
        "model": "SCB11-630",
        "batch_no": f"B2026{n:04d}",
        "produced_on": "2026-03-01",
        "qc_result": "合格",
        "rated_capacity": "630",
        "production_line": "总装二线",
        "process_params": "绕组温升≤100K；浸漆三次",
    }
    values.update(extra)
    return values


@pytest.fixture
def register_product(alpha, admin_a, mfg):
    from apps.identifiers.services import identifier_register

    def make(n: int = 1, **extra):
        return identifier_register(
            actor=admin_a, enterprise=alpha, template_version=mfg, values=product(n, **extra)
        )

    return make
