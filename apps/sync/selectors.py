"""Reads for the sync pages."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from apps.identifiers.choices import UpstreamStatus
from apps.identifiers.models import Prefix
from apps.sync.models import OutboxEntry, OutboxStatus
from apps.tasks.models import TaskRun


def failures() -> QuerySet[OutboxEntry]:
    return OutboxEntry.objects.filter(status__in=[OutboxStatus.FAILED, OutboxStatus.STOPPED]).order_by("id")


def waiting_with_error() -> QuerySet[OutboxEntry]:
    return OutboxEntry.objects.filter(status=OutboxStatus.PENDING).exclude(last_error="").order_by("id")


def waiting_for_data() -> QuerySet[OutboxEntry]:
    """Prefix applications held until the enterprise's 上级节点前缀申请资料 is complete."""
    return OutboxEntry.objects.filter(status=OutboxStatus.WAITING_DATA).order_by("id")


def recent_batches(limit: int = 20) -> list[TaskRun]:
    return list(TaskRun.objects.filter(task_name="apps.sync.batch").order_by("-id")[:limit])


def prefixes_in_flight() -> QuerySet[Prefix]:
    return (
        Prefix.objects.select_related("enterprise")
        .exclude(upstream_status=UpstreamStatus.NOT_SENT)
        .order_by("-updated_at")
    )


def stored_filing(period: str) -> dict | None:
    """The monthly filing body stored for ``period`` (YYYY-MM) by the reports app, if any:
    the filing that was (or will be) submitted, not a fresh count."""
    from apps.reports.models import FilingReport

    year, month = (int(part) for part in period.split("-"))
    body = (
        FilingReport.objects.filter(period_start=dt.date(year, month, 1))
        .values_list("body", flat=True)
        .first()
    )
    return body or None


# ---------------------------------------------------------------- reads of the SNMS API this node serves
def snms_template_version_name(template_version) -> str:
    """The ``templateVersion`` the SNMS API knows an identifier of ``template_version`` by: the
    name its SNMS template was created under (each edit publishes a new internal version of the
    same template; all of them answer with that name), else our own naming, which the API also
    takes (apps.metadata.exchange.snms_version_name)."""
    from apps.metadata.exchange import snms_version_name
    from apps.sync.models import SnmsTemplateBinding

    name = (
        SnmsTemplateBinding.objects.filter(template_version__template_id=template_version.template_id)
        .order_by("-id")
        .values_list("version", flat=True)
        .first()
    )
    return name or snms_version_name(template_version)


def identifier_detail(*, user, record: dict) -> dict:
    """handle-operate.md 查询标识 ``data`` for a resolved record: the values ``user`` may read
    (public, plus restricted ones as a member or grantee) and the SNMS ``templateVersion``,
    also as the index-1001 value, as the documentation's example has it."""
    from apps.identifiers.models import INDEX_TEMPLATE_VERSION, Identifier
    from apps.identifiers.selectors import identifier_values_for
    from apps.resolution.resolver import handle_values

    values = handle_values(record)
    template_version = str(record.get("template_version") or "")
    if record.get("kind") == "local":
        identifier = (
            Identifier.objects.select_related("enterprise", "template_version__template")
            .filter(pk=record["id"])
            .first()
        )
        if identifier is not None:
            values = handle_values(record, identifier_values_for(user=user, identifier=identifier))
            template_version = snms_template_version_name(identifier.template_version)
    out = []
    for value in values:
        data = value["data"]
        if int(value["index"]) == INDEX_TEMPLATE_VERSION:
            data = dict(data, value=template_version)
        out.append({"auth": "", "index": value["index"], "type": value["type"], "data": data})
    return {
        "prefix": record.get("prefix") or record["handle"].split("/", 1)[0],
        "handle": record["handle"],
        "templateVersion": template_version,
        "value": out,
    }


def template_documented(template_version, *, prefix: str, version: str, sent: dict | None) -> dict:
    """template.md 查询数据模板, the documented fields only and as they were sent: ``type`` as
    created or last edited, items with their string ``metadata`` {type, minLength, maxLength}.
    (Our typed rules travel only in what our client posts, never in this answer.) ``sent``: the
    body the template was created or last edited with (its SnmsTemplateBinding's payload), if
    it was made through the API."""
    from apps.sync.services import template_body

    body = template_body(template_version, prefix=prefix, version=version)
    sent_type = (sent or {}).get("type")
    items = []
    for item in body.get("items", []):
        meta = item.get("metadata") or {}
        items.append(
            {
                "name": item["name"],
                "idType": item["idType"],
                "idIndex": int(item["idIndex"]),
                "required": bool(item.get("required")),
                "state": int(item.get("state", 1)),
                "metadata": {
                    "type": "string",
                    "minLength": int(meta["minLength"]),
                    "maxLength": int(meta["maxLength"]),
                },
            }
        )
    template = template_version.template
    return {
        "id": template_version.pk,
        "prefix": prefix,
        "name": template.name,
        "version": version,
        "industryCategory": body["industryCategory"],
        "industrySpecific": body["industrySpecific"],
        "industryTrade": body["industryTrade"],
        "industrySubclass": body["industrySubclass"],
        "type": int(sent_type) if str(sent_type) in ("1", "2") else int(body.get("type") or 2),
        "description": template.description,
        "handle": "",
        "items": items,
    }
