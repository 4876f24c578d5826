"""Demo-like registry data for the report tests and the benchmark (bulk inserts)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from apps.identifiers.models import Identifier, Prefix
from apps.metadata.models import MetadataTemplate, TemplateVersion
from apps.sync.models import OutboxEntry, OutboxStatus

ITEMS = [
    {"name": "名称", "code": "name", "index": 2000, "item_type": "string", "required": True, "grade": 1,
     "is_public": True, "state": "enabled"},
    {"name": "型号", "code": "model", "index": 2001, "item_type": "string", "required": True, "grade": 1,
     "is_public": True, "state": "enabled"},
    {"name": "备注", "code": "note", "index": 2002, "item_type": "string", "required": False, "grade": 1,
     "is_public": True, "state": "enabled"},
    {"name": "工艺参数", "code": "process", "index": 2003, "item_type": "string", "required": True, "grade": 2,
     "is_public": False, "state": "enabled"},
]  # fmt: skip


def template_version(code: str = "rpt-manufacturing", category: str = "manufacturing") -> TemplateVersion:
    template, _ = MetadataTemplate.objects.get_or_create(
        owner=None, code=code, defaults={"name": "生产设备", "level": "park", "category": category}
    )
    version, _ = TemplateVersion.objects.get_or_create(
        template=template,
        number=1,
        defaults={"status": "published", "published_at": timezone.now(), "effective_items": ITEMS},
    )
    return version


def prefix_of(enterprise, park_root: str = "88.101") -> Prefix:
    prefix, _ = Prefix.objects.get_or_create(
        prefix=f"{park_root}.{enterprise.code}", defaults={"enterprise": enterprise, "status": "active"}
    )
    return prefix


def values(name: str, model: str = "M1") -> list[dict]:
    return [
        {"index": 2000, "type": "name", "data": {"format": "string", "value": name}},
        {"index": 2001, "type": "model", "data": {"format": "string", "value": model}},
    ]


def identifiers(
    enterprise,
    count: int,
    *,
    version: TemplateVersion,
    category: str = "manufacturing",
    created_at: dt.datetime | None = None,
    incomplete: int = 0,
    start: int = 0,
    batch_size: int = 5000,
) -> None:
    """``count`` identifiers of ``enterprise`` created at ``created_at``; the last ``incomplete``
    of them miss a required value (empty 型号)."""
    prefix = prefix_of(enterprise)
    rows = []
    for n in range(start, start + count):
        handle = f"{prefix.prefix}/{category[:3]}{n:08d}"
        complete = n < start + count - incomplete
        rows.append(
            Identifier(
                handle=handle,
                handle_ci=handle.lower(),
                prefix=prefix,
                suffix=handle.split("/", 1)[1],
                object_code=handle.split("/", 1)[1],
                enterprise=enterprise,
                category=category,
                template_version=version,
                name=f"设备{n}",
                values=values(f"设备{n}", "M1" if complete else ""),
            )
        )
        if len(rows) >= batch_size:
            Identifier.objects.bulk_create(rows)
            rows = []
    if rows:
        Identifier.objects.bulk_create(rows)
    if created_at is not None:
        Identifier.objects.filter(prefix=prefix, category=category).filter(
            suffix__gte=f"{category[:3]}{start:08d}", suffix__lt=f"{category[:3]}{start + count:08d}"
        ).update(created_at=created_at)


def outbox(handle: str, *, status: str = OutboxStatus.SENT, lag_seconds: int = 30, created_at=None):
    created_at = created_at or timezone.now()
    entry = OutboxEntry.objects.create(operation="create", handle=handle, status=status)
    OutboxEntry.objects.filter(pk=entry.pk).update(
        created_at=created_at,
        sent_at=created_at + dt.timedelta(seconds=lag_seconds) if status == OutboxStatus.SENT else None,
        last_error="上级节点超时" if status == OutboxStatus.FAILED else "",
    )
    return entry


def build_cases(park_admin, enterprise):
    """Two build cases worked through apps.buildcases.services: the park's secondary node
    approved past 需求 (2 of its 5 required items done), and ``enterprise``'s node sent back
    at 需求 with nothing done."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from apps.buildcases import services
    from apps.buildcases.choices import CompletionKind

    park_case = services.case_create(actor=park_admin, title="报告测试二级节点", mode="secondary")
    for item in park_case.items.filter(required=True, completion_kind=CompletionKind.ARTIFACT):
        document = SimpleUploadedFile(f"{item.pk}.pdf", b"%PDF-1.4 test", content_type="application/pdf")
        services.artifact_upload(case=park_case, item=item, file=document, actor=park_admin)
    park_case = services.stage_approve(case=park_case, actor=park_admin, note="材料齐全")
    enterprise_case = services.case_create(
        actor=park_admin, title="报告测试企业节点", mode="enterprise", enterprise=enterprise
    )
    enterprise_case = services.stage_send_back(
        case=enterprise_case, actor=park_admin, reason="需求说明不完整"
    )
    return park_case, enterprise_case
