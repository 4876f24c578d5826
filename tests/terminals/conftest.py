from pathlib import Path

import pytest

from apps.metadata.selectors import template_current_version
from apps.terminals.seed import ensure_terminal_template


def ensure_prefix(enterprise):
    from apps.identifiers.choices import PrefixStatus
    from apps.identifiers.models import Prefix

    Prefix.objects.get_or_create(
        prefix=f"88.101.{enterprise.code.upper()}",
        defaults={"enterprise": enterprise, "status": PrefixStatus.ACTIVE},
    )


@pytest.fixture
def terminal_version(db, enterprise_a, enterprise_b):
    ensure_prefix(enterprise_a)
    ensure_prefix(enterprise_b)
    return template_current_version(ensure_terminal_template())


def device_values(n: int = 1) -> dict:
    return {
        "name": f"温湿度终端{n}",
        "model": "TH-200",
        "manufacturer": "园区智能科技",
        "location": f"3号楼 {n} 层",
        "device_owner": "张工",
        "network_type": "NB-IoT",
    }


ROOT = Path(__file__).resolve().parents[2]
