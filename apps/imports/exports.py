"""Exporting identifiers with the import template's columns (export → import changes nothing)."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from typing import IO

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from apps.identifiers.bulk import _restricted_load
from apps.identifiers.models import Identifier
from apps.identifiers.services import item_is_public
from apps.imports.workbook import export_workbook
from apps.metadata.models import MetadataTemplate
from apps.metadata.selectors import effective_items, template_current_version

CHUNK = 5000


def export_rows(
    queryset: QuerySet[Identifier], *, items: list[dict], enterprise
) -> Iterator[tuple[str, str, dict]]:
    """(object code, handle, {item code: value}) for each identifier: public values from the
    registry, restricted ones from the enterprise's schema, one query per chunk each."""
    by_index = {int(item["index"]): item["code"] for item in items}
    restricted_wanted = any(not item_is_public(item) for item in items)
    last_id = 0
    qs = queryset.order_by("id").values_list("id", "object_code", "handle", "values")
    while True:
        chunk = list(qs.filter(id__gt=last_id)[:CHUNK])
        if not chunk:
            return
        last_id = chunk[-1][0]
        restricted = _restricted_load(enterprise, [row[0] for row in chunk]) if restricted_wanted else {}
        for pk, object_code, handle, values in chunk:
            out = {}
            for value in values or []:
                code = by_index.get(int(value.get("index", 0)))
                if code:
                    out[code] = (value.get("data") or {}).get("value")
            out.update(restricted.get(pk, {}))
            yield object_code, handle, out


def export_identifiers(
    *,
    queryset: QuerySet[Identifier],
    template: MetadataTemplate,
    enterprise,
    file_format: str,
    out: IO[bytes],
) -> int:
    """Write the identifiers of ``template`` in ``queryset`` as xlsx or csv; returns the row count."""
    version = template_current_version(template)
    items = effective_items(version)
    rows = export_rows(
        queryset.filter(template_version__template=template), items=items, enterprise=enterprise
    )
    if file_format == "csv":
        from apps.imports.resources import IdentifierResource

        resource = IdentifierResource(template_version=version, enterprise=enterprise)
        dataset = resource.export_rows(rows)
        out.write(dataset.export("csv").encode("utf-8-sig"))
        return len(dataset)
    return export_workbook(items=items, template_label=str(template), rows=rows, out=out)


def export_file_name(template: MetadataTemplate, file_format: str) -> str:
    return _("%(code)s-标识导出.%(ext)s") % {"code": template.code, "ext": file_format}


def export_list(
    *, queryset: QuerySet[Identifier], enterprise, file_format: str, out: IO[bytes]
) -> str | None:
    """The identifiers of a filtered list (``apps.identifiers.selectors.identifier_list``): one
    file when they share a template, else a zip holding one file per template (each file has
    its template's columns, so each can be imported again). Returns the file's name, or None
    when the list is empty."""
    template_ids = queryset.order_by().values_list("template_version__template_id", flat=True).distinct()
    templates = list(MetadataTemplate.objects.filter(pk__in=list(template_ids)).order_by("code"))
    if not templates:
        return None
    if len(templates) == 1:
        export_identifiers(
            queryset=queryset, template=templates[0], enterprise=enterprise, file_format=file_format, out=out
        )
        return export_file_name(templates[0], file_format)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for template in templates:
            with archive.open(export_file_name(template, file_format), "w") as member:
                export_identifiers(
                    queryset=queryset,
                    template=template,
                    enterprise=enterprise,
                    file_format=file_format,
                    out=member,
                )
    return _("标识导出.zip")
