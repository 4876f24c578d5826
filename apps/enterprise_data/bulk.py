"""Bulk hooks for ``apps.identifiers.bulk`` (the Excel import and the SNMS API): restricted
values of many identifiers in one query each way."""

from __future__ import annotations

import json
from collections.abc import Iterable

from django.db import connection
from django.utils import timezone

from apps.enterprise_data.models import RestrictedValues
from apps.enterprise_data.services import restricted_context

CHUNK = 5000


def restricted_values_for(*, enterprise, identifier_ids: list[int]) -> dict[int, dict[str, str]]:
    """identifier id → {item code: value} for the ids that have restricted values."""
    out: dict[int, dict[str, str]] = {}
    if not identifier_ids:
        return out
    table = RestrictedValues._meta.db_table
    # RestrictedValues.as_dict in SQL: no model instance and no full document decoded per row.
    sql = (
        "SELECT r.identifier_id, coalesce(jsonb_object_agg(v->>'type', coalesce(v->'data'->>'value', '')) "  # noqa: S608
        "FILTER (WHERE v IS NOT NULL), '{}'::jsonb) "
        f'FROM "{{schema}}"."{table}" AS r LEFT JOIN LATERAL jsonb_array_elements(r."values") AS v ON true '
        "WHERE r.identifier_id = ANY(%s) GROUP BY r.identifier_id"
    )
    with restricted_context(enterprise) as schema, connection.cursor() as cursor:
        query = sql.replace("{schema}", schema)
        for i in range(0, len(identifier_ids), CHUNK):
            cursor.execute(query, [identifier_ids[i : i + CHUNK]])
            for pk, values in cursor.fetchall():
                out[pk] = json.loads(values) if isinstance(values, str) else values
    return out


def restricted_values_store(*, enterprise, values_by_identifier: dict[int, tuple[str, list[dict]]]) -> None:
    """Replace the restricted values of each identifier: id → (handle, values in Handle form, as
    the registry forms them); an empty list removes the row."""
    if not values_by_identifier:
        return
    keep = {pk: pair for pk, pair in values_by_identifier.items() if pair[1]}
    with restricted_context(enterprise):
        empty = [pk for pk, (_handle, values) in values_by_identifier.items() if not values]
        if empty:
            RestrictedValues.objects.filter(identifier_id__in=empty).delete()
        existing = set(
            RestrictedValues.objects.filter(identifier_id__in=list(keep)).values_list(
                "identifier_id", flat=True
            )
        )
        new_rows, changed = [], []
        for pk, (handle, values) in keep.items():
            row = RestrictedValues(identifier_id=pk, handle=handle, values=values)
            (changed if pk in existing else new_rows).append(row)
        RestrictedValues.objects.bulk_create(new_rows, batch_size=2000)
        if changed:
            by_pk = {r.identifier_id: r for r in changed}
            rows = list(RestrictedValues.objects.filter(identifier_id__in=list(by_pk)))
            now = timezone.now()
            for row in rows:
                row.updated_at = now
                row.values = by_pk[row.identifier_id].values
                row.handle = by_pk[row.identifier_id].handle
            RestrictedValues.objects.bulk_update(rows, ["values", "handle", "updated_at"], batch_size=2000)


def restricted_values_copy(*, enterprise, rows: Iterable[tuple[int, str, str]]) -> int:
    """Restricted values of identifiers registered in this transaction (so none has a row yet),
    with one COPY: ``rows`` are (identifier id, handle, values as JSON text in the form of
    ``restricted_handle_values``). Streamed; returns the number of rows written."""
    from apps.core.db import copy_rows

    now = timezone.now()
    with restricted_context(enterprise) as schema:
        return copy_rows(
            RestrictedValues._meta.db_table,
            ("identifier_id", "handle", "values", "created_at", "updated_at"),
            ((pk, handle, values, now, now) for pk, handle, values in rows),
            schema=schema,
        )
