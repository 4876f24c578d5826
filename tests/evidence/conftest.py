from pathlib import Path

import pytest
from rest_framework.authtoken.models import Token

ROOT = Path(__file__).resolve().parents[2]


def ensure_prefix(enterprise):
    from apps.identifiers.choices import PrefixStatus
    from apps.identifiers.models import Prefix

    Prefix.objects.get_or_create(
        prefix=f"88.101.{enterprise.code.upper()}",
        defaults={"enterprise": enterprise, "status": PrefixStatus.ACTIVE},
    )


def register_subject(enterprise, name: str = "1号锅炉"):
    """An identifier object of ``enterprise`` (national core template) to link evidence to."""
    from apps.identifiers.services import identifier_register
    from apps.metadata.demo import ensure_seed_templates
    from apps.metadata.selectors import template_current_version

    ensure_prefix(enterprise)
    version = template_current_version(ensure_seed_templates()["CN-CORE"])
    return identifier_register(
        actor=None, enterprise=enterprise, template_version=version, values={"name": name}
    )


@pytest.fixture
def subject_a(enterprise_a):
    return register_subject(enterprise_a)


@pytest.fixture
def subject_b(enterprise_b):
    return register_subject(enterprise_b, "乙方设备")


def auth(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Token {Token.objects.get_or_create(user=user)[0].key}"}
