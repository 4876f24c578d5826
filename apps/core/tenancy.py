"""Which tenant the current connection is switched to (django-tenants plumbing, no model)."""

from django.db import connection
from django_tenants.utils import get_public_schema_name


def current_tenant():
    """The tenant the current connection is switched to, or None on the park domain (public)."""
    tenant = getattr(connection, "tenant", None)
    if tenant is None or tenant.schema_name == get_public_schema_name():
        return None
    return tenant
