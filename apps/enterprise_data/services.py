"""Reads and writes of restricted values, always in the owning enterprise's schema.

An enterprise's schema is its tenant schema. The park operator is the public tenant, and its
restricted values must not land in the public schema either: they go to a schema of their own
(``settings.OPERATOR_DATA_SCHEMA``), cloned from the tenant base schema on first use and
migrated with the tenants (``migrate_tenants`` includes it).
"""

from __future__ import annotations

from contextlib import contextmanager

from django.conf import settings
from django.db import connection
from django_tenants.utils import get_public_schema_name, schema_context, schema_exists

from apps.enterprise_data.models import Attachment, RestrictedValues

_ensured: set[str] = set()


def data_schema_name(enterprise) -> str:
    if enterprise.schema_name == get_public_schema_name():
        return getattr(settings, "OPERATOR_DATA_SCHEMA", "park_operator")
    return enterprise.schema_name


def ensure_data_schema(enterprise) -> str:
    """The schema name, creating the operator's data schema when it is missing. Call outside
    (or before) the transaction that writes into it."""
    name = data_schema_name(enterprise)
    if name == enterprise.schema_name or name in _ensured:
        return name
    if not schema_exists(name):
        from apps.tenants.models import _clone_schema

        previous = connection.schema_name
        _clone_schema(settings.TENANT_BASE_SCHEMA, name, "DATA")
        if previous != get_public_schema_name():
            connection.set_schema(previous)
    # not cached inside a transaction: a rollback (a test) may take the schema with it
    if connection.get_autocommit():
        _ensured.add(name)
    return name


@contextmanager
def restricted_context(enterprise):
    """Run the block with the enterprise's data schema on the search path."""
    name = ensure_data_schema(enterprise)
    with schema_context(name):
        yield name


def restricted_values_get(*, enterprise, identifier_id: int) -> list[dict]:
    with restricted_context(enterprise):
        row = RestrictedValues.objects.filter(identifier_id=identifier_id).first()
        return list(row.values) if row else []


def restricted_values_put(*, enterprise, identifier_id: int, handle: str, values: list[dict]) -> None:
    """Replace the restricted values of one identifier (an empty list deletes the row)."""
    with restricted_context(enterprise):
        if not values:
            RestrictedValues.objects.filter(identifier_id=identifier_id).delete()
            return
        RestrictedValues.objects.update_or_create(
            identifier_id=identifier_id, defaults={"handle": handle, "values": values}
        )


def attachment_create(
    *, enterprise, uploaded_file, item_code: str, user=None, identifier_id=None
) -> Attachment:
    with restricted_context(enterprise):
        att = Attachment(
            identifier_id=identifier_id,
            item_code=item_code,
            name=uploaded_file.name[:200],
            size=uploaded_file.size or 0,
            content_type=getattr(uploaded_file, "content_type", "") or "",
            uploaded_by_id=getattr(user, "pk", None),
        )
        att.file.save(uploaded_file.name, uploaded_file, save=False)
        att.save()
        return att


def attachment_get(*, enterprise, pk: int) -> Attachment | None:
    with restricted_context(enterprise):
        return Attachment.objects.filter(pk=pk).first()


def attachments_link(*, enterprise, identifier_id: int, references: list[str]) -> None:
    ids = [int(r.split(":", 1)[1]) for r in references if r.startswith("attachment:") and r[11:].isdigit()]
    if not ids:
        return
    with restricted_context(enterprise):
        Attachment.objects.filter(pk__in=ids, identifier_id__isnull=True).update(identifier_id=identifier_id)
