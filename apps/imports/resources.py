"""django-import-export resource for identifiers of one template version, in bulk mode.

Columns are the import template's (对象代码 and the items' names). The resource holds no rule
and has no write path of its own: both ways go through the registry's bulk code.

* import: ``import_data`` (import-export's own API, a ``tablib.Dataset``) maps the columns as
  an uploaded file's are mapped and hands every row to
  ``apps.identifiers.bulk.identifier_bulk_upsert`` in one call (the import job calls that
  service directly) — the rules of ``identifier_register``, restricted values in the
  enterprise's schema, audit and outbox, one transaction, one query per chunk of rows. It
  answers with import-export's ``Result`` (totals, invalid rows with their messages).
* import-export's per-row machinery (``import_row``, ``save_instance``, its bulk create and
  update) is refused: it would write identifiers without restricted values, audit or outbox.
* export: rows from ``exports.export_rows`` (one query per 5,000 identifiers) as a Dataset.
"""

from __future__ import annotations

from collections.abc import Iterable

import tablib
from django.core.exceptions import ValidationError
from import_export import fields, resources
from import_export.results import Error, Result, RowResult

from apps.identifiers.bulk import BulkRow, identifier_bulk_upsert
from apps.imports.mapping import map_columns, records
from apps.imports.reading import FileRefused, Table
from apps.imports.workbook import OBJECT_CODE, columns_for
from apps.metadata.selectors import effective_items


class IdentifierResource(resources.Resource):
    object_code = fields.Field(attribute="object_code", column_name="对象代码 *")

    def __init__(self, *, template_version, enterprise, actor=None, **kwargs):
        super().__init__(**kwargs)
        self.template_version = template_version
        self.enterprise = enterprise
        self.actor = actor
        self.items = effective_items(template_version)
        self.columns = columns_for(self.items, with_handle=True)
        self.fields[OBJECT_CODE].column_name = self.columns[0].header
        for column in self.columns[1:]:
            self.fields[column.code] = fields.Field(column_name=column.header, attribute=None, readonly=False)

    # ------------------------------------------------------------ export
    def export_rows(self, rows: Iterable[tuple[str, str, dict]]) -> tablib.Dataset:
        """Rows from ``exports.export_rows`` (batched lookups) as a Dataset with our headers."""
        dataset = tablib.Dataset(headers=[c.header for c in self.columns])
        codes = [c.code for c in self.columns[1:-1]]
        for object_code, handle, values in rows:
            dataset.append([object_code, *(values.get(code, "") for code in codes), handle])
        return dataset

    # ------------------------------------------------------------ import
    def import_data(self, dataset, dry_run=False, raise_errors=False, **kwargs) -> Result:
        """import-export's entry point: the Dataset's columns mapped like an uploaded file's
        (row 1 is its header, data from row 2), then the registry's bulk service."""
        result = Result()
        result.diff_headers = list(dataset.headers or [])
        user = kwargs.get("user")
        if user is not None and getattr(user, "is_authenticated", False):
            self.actor = user
        table = Table("dataset", list(dataset.headers or []), 1, None, enumerate(dataset, start=2))
        try:
            cmap = map_columns(table, self.items)
        except FileRefused as exc:
            if raise_errors:
                raise
            result.append_base_error(Error(exc))
            return result
        bulk = identifier_bulk_upsert(
            actor=self.actor,
            enterprise=self.enterprise,
            template_version=self.template_version,
            rows=(BulkRow(n, code, values) for n, code, values, _c in records(table, cmap, with_cells=False)),
            dry_run=dry_run,
        )
        result.total_rows = bulk.rows
        result.totals[RowResult.IMPORT_TYPE_NEW] = bulk.created
        result.totals[RowResult.IMPORT_TYPE_UPDATE] = bulk.updated
        result.totals[RowResult.IMPORT_TYPE_SKIP] = bulk.unchanged
        by_row: dict[int, dict[str, list[str]]] = {}
        for error in bulk.errors:
            column = cmap.labels.get(error.code, error.code)
            by_row.setdefault(error.label, {}).setdefault(column, []).append(error.message)
        for number, errors in by_row.items():
            values = dict(zip(result.diff_headers, dataset[number - 2], strict=False))
            result.append_invalid_row(number, values, ValidationError(errors))
        result.totals[RowResult.IMPORT_TYPE_INVALID] = len(by_row)
        return result

    def _no_row_writes(self, *args, **kwargs):
        raise NotImplementedError(
            "IdentifierResource writes through identifier_bulk_upsert only (import_data)"
        )

    import_row = save_instance = bulk_create = bulk_update = bulk_delete = delete_instance = _no_row_writes
