"""django-import-export resource for identifiers of one template version, in bulk mode.

Columns are the import template's (对象代码 and the items' Chinese names). Its users' main
complaint is a query per row; here lookups are batched:

* export: values come from ``exports.export_rows`` (one query per 5,000 identifiers, restricted
  values likewise) instead of attribute access per row;
* import: ``before_import`` loads every existing identifier of the dataset's object codes in
  chunks, ``get_instance`` answers from that dict, writes use ``use_bulk`` with
  ``skip_unchanged``. The web import goes through ``apps.identifiers.bulk`` (it adds audit,
  outbox and restricted values in the same transaction); this resource is the
  import-export-shaped door to the same rules (validation, Handle values) and is what the
  benchmark compares with import-export's default settings.
"""

from __future__ import annotations

from collections.abc import Iterable

import tablib
from django.core.exceptions import ValidationError
from django.utils import timezone
from import_export import fields, resources

from apps.identifiers.bulk import _Shape, enterprise_prefix
from apps.identifiers.choices import IdentifierStatus
from apps.identifiers.models import Identifier
from apps.imports.workbook import OBJECT_CODE, columns_for
from apps.metadata.selectors import effective_items
from apps.metadata.validation import normalize_text, validate_values


def _items_of(values: list[dict] | None) -> dict[str, str]:
    return {
        str(v.get("type")): str((v.get("data") or {}).get("value"))
        for v in values or []
        if int(v.get("index", 0)) >= 2000
    }


class IdentifierResource(resources.ModelResource):
    object_code = fields.Field(attribute="object_code", column_name="对象代码 *")

    class Meta:
        model = Identifier
        fields = ("object_code",)
        import_id_fields = ("object_code",)
        use_bulk = True
        batch_size = 2000
        skip_unchanged = True
        skip_diff = True
        clean_model_instances = False

    batch_lookups = True

    def __init__(self, *, template_version, enterprise, **kwargs):
        super().__init__(**kwargs)
        self.template_version = template_version
        self.enterprise = enterprise
        self.items = effective_items(template_version)
        self.items_by_code = {item["code"]: item for item in self.items}
        self.columns = columns_for(self.items, with_handle=True)
        self.fields[OBJECT_CODE].column_name = self.columns[0].header
        for column in self.columns[1:]:
            self.fields[column.code] = fields.Field(column_name=column.header, attribute=None, readonly=False)
        self.shape = _Shape(template_version, self.items, timezone.now().replace(microsecond=0).isoformat())
        self._existing: dict[str, Identifier] = {}
        self._prefix = None

    # ------------------------------------------------------------ export
    def export_rows(self, rows: Iterable[tuple[str, str, dict]]) -> tablib.Dataset:
        """Rows from ``exports.export_rows`` (batched lookups) as a Dataset with our headers."""
        dataset = tablib.Dataset(headers=[c.header for c in self.columns])
        codes = [c.code for c in self.columns[1:-1]]
        for object_code, handle, values in rows:
            dataset.append([object_code, *(values.get(code, "") for code in codes), handle])
        return dataset

    # ------------------------------------------------------------ import
    @property
    def prefix(self):
        if self._prefix is None:
            self._prefix = enterprise_prefix(self.enterprise)
        return self._prefix

    def _code(self, row) -> str:
        return normalize_text(str(row.get(self.fields[OBJECT_CODE].column_name) or ""))

    def before_import(self, dataset, **kwargs):
        if not self.batch_lookups:
            return
        codes = [normalize_text(str(v or "")) for v in dataset[self.fields[OBJECT_CODE].column_name]]
        for i in range(0, len(codes), 5000):
            for obj in Identifier.objects.filter(prefix=self.prefix, object_code__in=codes[i : i + 5000]):
                self._existing[obj.object_code] = obj

    def get_instance(self, instance_loader, row):
        code = self._code(row)
        if self.batch_lookups:
            return self._existing.get(code)
        return Identifier.objects.filter(prefix=self.prefix, object_code=code).first()

    def init_instance(self, row=None):
        code = self._code(row or {})
        handle = f"{self.prefix.prefix}/{code}"
        return Identifier(
            handle=handle,
            handle_ci=handle.lower(),
            prefix=self.prefix,
            suffix=code,
            object_code=code,
            enterprise=self.enterprise,
            category=self.template_version.template.category,
            template_version=self.template_version,
            status=IdentifierStatus.ACTIVE,
        )

    def import_instance(self, instance, row, **kwargs):
        instance._before = (_items_of(instance.values), instance.name) if instance.pk else None
        raw = {c.code: row.get(c.header) for c in self.columns[1:-1] if c.header in row}
        cleaned, errors = validate_values(self.items, raw)
        if errors:
            raise ValidationError({code: msgs for code, msgs in errors.items()})
        public, _restricted = self.shape.split(cleaned)
        instance.values = self.shape.public_values(public)
        instance.name = (public.get("name") or instance.object_code)[:255]

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors or not self._meta.skip_unchanged:
            return False
        before = getattr(instance, "_before", None)
        return before is not None and before == (_items_of(instance.values), instance.name)

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        # Item columns are applied together by import_instance; only object_code is an attribute.
        if field.attribute:
            super().import_field(field, instance, row, is_m2m=is_m2m, **kwargs)
