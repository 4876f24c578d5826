"""Test data builders shared by every app's tests (each app may add its own module beside)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import override_settings  # noqa: F401 - re-exported for tests

from apps.accounts.models import Membership, User
from apps.tenants.choices import EnterpriseStatus
from apps.tenants.models import Domain, Enterprise
from apps.tenants.provisioning import ensure_public_tenant

PASSWORD = "Park!Test2026"

# Valid 统一社会信用代码 (GB 32100 check characters)
CREDIT_CODES = {
    "alpha": "91320594MA1N2K8B0J",
    "beta": "91320594MA1P3R6D0Y",
    "gamma": "91320594MA1Q5W2E01",
}
SPARE_CREDIT_CODES = ["91320594MA1R7Y3F08", "91320594MA1T9A4G0G", "91320594MA1UAB5H0Q", "91320594MA1WCD6J00"]


def ensure_test_park():
    return ensure_public_tenant(park_name="测试产业园", park_code="101")


def domain_of(enterprise: Enterprise) -> str:
    return f"{enterprise.code.lower()}.park.localhost"


def ensure_enterprise(key: str) -> Enterprise:
    """An active enterprise with its schema (cloned from the base schema) and domain. Starts from
    the public schema: a fixture before it may have left the connection in a tenant's (a test
    client's request), and an enterprise a transactional test's flush removed is saved again."""
    connection.set_schema_to_public()
    ensure_test_park()
    code = key.upper()
    enterprise = Enterprise.objects.filter(schema_name=f"ent_{key}").first()
    if enterprise is None:
        enterprise = Enterprise(
            schema_name=f"ent_{key}",
            name=f"{key.capitalize()} 测试科技有限公司",
            short_name=key.capitalize(),
            credit_code=CREDIT_CODES[key],
            code=code,
            status=EnterpriseStatus.ACTIVE,
            contact_name="张三",
            contact_phone="13800000000",
            contact_email=f"{key}@example.com",
        )
        enterprise.save()
    enterprise.create_schema(check_if_exists=True, verbosity=0)
    Domain.objects.get_or_create(
        domain=domain_of(enterprise), defaults={"tenant": enterprise, "is_primary": True}
    )
    connection.set_schema_to_public()
    return enterprise


def user(username: str, *, password: str = PASSWORD, **fields) -> User:
    obj, created = User.objects.get_or_create(username=username, defaults=fields)
    if created:
        obj.set_password(password)
        obj.save()
    return obj


def member(username: str, enterprise: Enterprise, *, role: str = "enterprise_member") -> User:
    obj = user(username)
    Membership.objects.get_or_create(user=obj, enterprise=enterprise, defaults={"role": role})
    return obj
