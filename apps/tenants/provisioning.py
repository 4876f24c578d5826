"""Schema plumbing: the base schema new enterprises are cloned from, and the park's public tenant."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django_tenants.utils import get_public_schema_name, schema_exists

from apps.tenants.choices import EnterpriseStatus, NodeMode
from apps.tenants.models import Domain, Enterprise, Park

PUBLIC_DOMAINS = ("localhost", "127.0.0.1")


def ensure_base_schema(verbosity: int = 0) -> bool:
    """Create and migrate the schema new tenants are cloned from. Returns True if created."""
    base = settings.TENANT_BASE_SCHEMA
    created = False
    if not schema_exists(base):
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE SCHEMA "{base}"')
        created = True
    call_command("migrate_schemas", schema_name=base, tenant=True, interactive=False, verbosity=verbosity)
    connection.set_schema_to_public()
    return created


def ensure_public_tenant(
    *,
    park_name: str | None = None,
    park_code: str | None = None,
    operator_name: str | None = None,
    operator_credit_code: str | None = None,
    operator_code: str | None = None,
) -> Enterprise:
    """The park operator is the public tenant; it answers on the park domain, localhost and 127.0.0.1."""
    park_name = park_name or os.environ.get("PARK_NAME", "数智产业园")
    park_code = park_code or os.environ.get("PARK_CODE", "101")
    operator = Enterprise.objects.filter(schema_name=get_public_schema_name()).first()
    if operator is None:
        operator = Enterprise(
            schema_name=get_public_schema_name(),
            name=operator_name or os.environ.get("PARK_OPERATOR_NAME", f"{park_name}运营管理有限公司"),
            short_name=os.environ.get("PARK_OPERATOR_SHORT_NAME", "园区运营方"),
            credit_code=operator_credit_code
            or os.environ.get("PARK_OPERATOR_CREDIT_CODE", "91320594MA1MCP7T04"),
            code=operator_code or os.environ.get("PARK_OPERATOR_CODE", "YQ"),
            status=EnterpriseStatus.ACTIVE,
            is_park_operator=True,
            contact_name="园区管理员",
            contact_phone="0512-00000000",
            contact_email="admin@park.localhost",
        )
        operator.save()
    for domain in (settings.PARK_DOMAIN, *PUBLIC_DOMAINS):
        Domain.objects.get_or_create(
            domain=domain, defaults={"tenant": operator, "is_primary": domain == settings.PARK_DOMAIN}
        )
    if not Park.objects.exists():
        Park.objects.create(
            name=park_name,
            park_code=park_code,
            country_code=settings.PARK_COUNTRY_CODE,
            node_mode=os.environ.get("PARK_NODE_MODE", NodeMode.SECONDARY),
            domain=settings.PARK_DOMAIN,
            operator=operator,
        )
    return operator
