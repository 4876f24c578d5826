"""Evidence writes: recording (one, or many all-or-nothing), tree heads, cosignatures received,
alerts, and the park's list of types and witnesses.

Recording takes the park log's lock first, so the evidence code's record can name its leaf
index; then, in one transaction: the evidence code is registered through the registry's own
service (audited, synced, resolvable), the content is written in the enterprise's schema, and
the entry is appended to the log. A refusal leaves nothing behind.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.audit.services import audit_write
from apps.core.errors import ApplicationError, NotFound, PermissionDenied
from apps.enterprise_data.services import ensure_data_schema, restricted_context
from apps.evidence import log as evlog
from apps.evidence import sth as sth_format
from apps.evidence.choices import AlertKind, EvidenceKind
from apps.evidence.models import (
    Cosignature,
    EvidenceAlert,
    EvidenceContent,
    EvidenceLog,
    EvidenceType,
    LogEntry,
    SignedTreeHead,
    Witness,
)
from apps.evidence.seed import ensure_evidence_template, ensure_evidence_types
from apps.identifiers.models import Identifier
from apps.identifiers.services import can_write, identifier_register
from apps.terminals import keys

OBJECT_TYPE = "evidence.Evidence"


@dataclass
class EvidenceInput:
    """One piece of evidence to record: a file (``filename``, ``data``) or a JSON ``record``."""

    subject: str
    evidence_type: str
    data: bytes | None = None
    filename: str = ""
    content_type: str = ""
    record: Any = None
    title: str = ""
    supersedes: str = ""


@dataclass
class Recorded:
    code: str
    leaf_index: int
    digest: str
    created_at: dt.datetime
    identifier_id: int


@dataclass
class _Prepared:
    source: EvidenceInput
    kind: str
    data: bytes
    digest: str
    type_code: str
    errors: dict[str, list[str]] = field(default_factory=dict)


def _refuse(field_name: str, message: str, code: str = "invalid") -> ApplicationError:
    return ApplicationError(message, errors={field_name: [message]}, code=code)


def _prepare(item: EvidenceInput, *, enterprise, types: dict[str, EvidenceType]) -> _Prepared:
    """Check one input without writing; the errors of every field, not only the first."""
    errors: dict[str, list[str]] = {}
    type_code = (item.evidence_type or "").strip()
    if type_code not in types:
        errors.setdefault("evidence_type", []).append(_("请选择园区启用的存证类型"))
    subject = (item.subject or "").strip()
    if not subject:
        errors.setdefault("subject", []).append(_("请填写关联的标识"))
    else:
        owner = Identifier.objects.filter(handle=subject).values_list("enterprise_id", flat=True).first()
        if owner != enterprise.pk:  # another enterprise's identifier looks exactly like a missing one
            errors.setdefault("subject", []).append(
                _("标识 %(handle)s 不是本企业的标识") % {"handle": subject}
            )
    has_file, has_record = item.data is not None, item.record is not None
    kind, data = EvidenceKind.FILE, b""
    if has_file == has_record:
        errors.setdefault("file", []).append(_("请上传一个文件或填写一条 JSON 记录（二选一）"))
    elif has_file:
        data = bytes(item.data)
        if not data:
            errors.setdefault("file", []).append(_("文件为空"))
        elif len(data) > settings.EVIDENCE_MAX_FILE_MB * 1024 * 1024:
            errors.setdefault("file", []).append(
                _("文件不能超过 %(mb)s MB") % {"mb": settings.EVIDENCE_MAX_FILE_MB}
            )
    else:
        kind = EvidenceKind.RECORD
        record = item.record
        if isinstance(record, str):
            try:
                record = json.loads(record)
            except ValueError:
                errors.setdefault("record", []).append(_("JSON 记录格式不正确"))
                record = None
        if record is not None and not isinstance(record, (dict, list)):
            errors.setdefault("record", []).append(_("JSON 记录应为对象或数组"))
        elif record is not None:
            data = evlog.canonical(record)
            if len(data) > settings.EVIDENCE_MAX_FILE_MB * 1024 * 1024:
                errors.setdefault("record", []).append(_("JSON 记录过大"))
    if item.supersedes:
        with restricted_context(enterprise):
            if not EvidenceContent.objects.filter(code=item.supersedes.strip()).exists():
                errors.setdefault("supersedes", []).append(_("要更正的存证码不是本企业的存证"))
    if len(item.title or "") > 200:
        errors.setdefault("title", []).append(_("说明不能超过 200 个字符"))
    return _Prepared(
        source=item, kind=kind, data=data, digest=evlog.file_digest(data), type_code=type_code, errors=errors
    )


def _assert_writer(actor, enterprise) -> None:
    if enterprise is None or enterprise.is_park_operator:
        raise PermissionDenied(_("只有入驻企业可以存证"))
    if not can_write(actor, enterprise):
        raise PermissionDenied(_("只有本企业成员可以为本企业存证"))


def _active_types() -> dict[str, EvidenceType]:
    ensure_evidence_types()
    return {t.code: t for t in EvidenceType.objects.filter(active=True)}


def evidence_record(*, actor, enterprise, item: EvidenceInput) -> Recorded:
    """Record one piece of evidence; ``ApplicationError`` with every field's errors otherwise."""
    _assert_writer(actor, enterprise)
    prepared = _prepare(item, enterprise=enterprise, types=_active_types())
    if prepared.errors:
        first = next(iter(prepared.errors.values()))[0]
        raise ApplicationError(first, errors=prepared.errors, code="invalid")
    return _write(actor=actor, enterprise=enterprise, prepared=[prepared])[0]


def evidence_record_many(*, actor, enterprise, items: list[EvidenceInput]) -> list[Recorded]:
    """All or nothing: every row is checked first and every error reported as ``第 N 行 字段: 错误``."""
    _assert_writer(actor, enterprise)
    if not items:
        raise ApplicationError(_("没有要存证的条目"), code="empty")
    if len(items) > settings.EVIDENCE_BULK_MAX:
        raise ApplicationError(
            _("一次最多存证 %(n)s 条") % {"n": settings.EVIDENCE_BULK_MAX}, code="too_many"
        )
    types = _active_types()
    prepared = [_prepare(item, enterprise=enterprise, types=types) for item in items]
    lines, errors = [], {}
    for number, row in enumerate(prepared, start=1):
        for name, messages in row.errors.items():
            for message in messages:
                lines.append(
                    _("第 %(n)s 行 %(field)s: %(error)s") % {"n": number, "field": name, "error": message}
                )
            errors[f"{number}.{name}"] = messages
    if lines:
        raise ApplicationError("；".join(lines[:50]), errors=errors, code="invalid")
    return _write(actor=actor, enterprise=enterprise, prepared=prepared)


def _write(*, actor, enterprise, prepared: list[_Prepared]) -> list[Recorded]:
    template = ensure_evidence_template()
    from apps.metadata.selectors import template_current_version

    version = template_current_version(template)
    ensure_data_schema(enterprise)
    log = evlog.park_log()
    now = timezone.now()
    submitter = f"user:{actor.pk}" if getattr(actor, "pk", None) else "system"
    done: list[Recorded] = []
    with transaction.atomic():
        locked = evlog.lock(log)
        first = locked.size
        entries, contents = [], []
        for offset, row in enumerate(prepared):
            index = first + offset
            item = row.source
            identifier = identifier_register(
                actor=actor,
                enterprise=enterprise,
                template_version=version,
                values={
                    "name": (item.title or _("存证")).strip()[:100] or _("存证"),
                    "evidence_type": row.type_code,
                    "evidence_digest": row.digest,
                    "recorded_at": now.isoformat(),
                    "evidence_subject": item.subject.strip(),
                    "log_origin": locked.origin,
                    "leaf_index": str(index),
                    "supersedes": (item.supersedes or "").strip(),
                },
            )
            entries.append(
                evlog.NewEntry(
                    entry={
                        "v": 1,
                        "code": identifier.handle,
                        "subject": item.subject.strip(),
                        "enterprise": enterprise.code,
                        "type": row.type_code,
                        "kind": row.kind,
                        "hash": "sm3",
                        "digest": row.digest,
                        "time": now.isoformat(),
                        "submitter": submitter,
                        "supersedes": (item.supersedes or "").strip(),
                    },
                    code=identifier.handle,
                    enterprise_id=enterprise.pk,
                    evidence_type=row.type_code,
                    digest=row.digest,
                    supersedes=(item.supersedes or "").strip(),
                )
            )
            contents.append(
                EvidenceContent(
                    code=identifier.handle,
                    identifier_id=identifier.pk,
                    subject=item.subject.strip(),
                    evidence_type=row.type_code,
                    kind=row.kind,
                    filename=(item.filename or "")[:200],
                    content_type=(item.content_type or "")[:100],
                    size=len(row.data),
                    data=row.data,
                    digest=row.digest,
                    leaf_index=index,
                    supersedes=(item.supersedes or "").strip(),
                    title=(item.title or "")[:200],
                    recorded_by_id=getattr(actor, "pk", None),
                    created_at=now,
                )
            )
            done.append(Recorded(identifier.handle, index, row.digest, now, identifier.pk))
        with restricted_context(enterprise):
            EvidenceContent.objects.bulk_create(contents)
        evlog._append_locked(locked, entries, now=now)
        for rec, row in zip(done, prepared, strict=True):
            audit_write(
                action="evidence.record",
                object_type=OBJECT_TYPE,
                object_id=rec.leaf_index,
                object_repr=rec.code,
                changes={
                    "digest": [None, rec.digest],
                    "type": [None, row.type_code],
                    "leaf_index": [None, rec.leaf_index],
                },
                tenant_schema=enterprise.schema_name,
            )
    return done


# ---------------------------------------------------------------- tree heads and cosignatures
def sth_make(*, log: EvidenceLog | None = None) -> SignedTreeHead | None:
    """A new tree head when the log grew (else the last one); anchored when the park configured it."""
    log = log or evlog.park_log()
    head = evlog.sth_make(log)
    if head is not None and settings.EVIDENCE_ANCHOR:
        from apps.evidence.anchoring import anchor_queue

        anchor_queue(sth=head)
    return head


def sth_for_entry(*, log: EvidenceLog, index: int) -> SignedTreeHead:
    """The head a receipt of leaf ``index`` is proved against: the latest witnessed head covering
    it, else the latest head, made now when none covers it yet (on demand)."""
    head = (
        SignedTreeHead.objects.filter(log=log, tree_size__gt=index, cosignatures__isnull=False)
        .order_by("-tree_size")
        .first()
    )
    if head is None:
        head = evlog.latest_sth(log)
    if head is None or head.tree_size <= index:
        head = sth_make(log=log)
    if head is None or head.tree_size <= index:
        raise NotFound(_("该条目尚未收录"))
    return head


def cosignature_accept(
    *, log: EvidenceLog, tree_size: int, witness_fingerprint: str, timestamp: int, signature: bytes
) -> Cosignature:
    """A witness's cosignature of our head at ``tree_size``: kept when it verifies under a
    configured witness's key; refused otherwise (nobody else can add one)."""
    witness = Witness.objects.filter(fingerprint=witness_fingerprint, active=True).first()
    if witness is None:
        raise PermissionDenied(_("不是本园区配置的见证节点"))
    head = SignedTreeHead.objects.filter(log=log, tree_size=tree_size).first()
    if head is None:
        raise NotFound(_("没有这个大小的签名树头"))
    body = sth_format.cosignature_body(
        witness.fingerprint,
        timestamp,
        evlog.sth_body(log, head.tree_size, bytes(head.root_hash), head.timestamp),
    )
    if not signature_valid(witness.public_key, signature, body):
        raise ApplicationError(_("见证签名无效"), code="bad_signature")
    cosig, _created = Cosignature.objects.update_or_create(
        sth=head, witness=witness, defaults={"timestamp": timestamp, "signature": signature}
    )
    Witness.objects.filter(pk=witness.pk).update(
        last_cosigned_size=tree_size, last_cosigned_at=timezone.now()
    )
    return cosig


def split_view_report_accept(
    *, log: EvidenceLog, witness_fingerprint: str, report: dict, signature: bytes
) -> EvidenceAlert:
    """A witness tells us it saw two heads of our log that are not consistent: a red alert here
    too. Only a configured witness's signed report counts."""
    witness = Witness.objects.filter(fingerprint=witness_fingerprint, active=True).first()
    if witness is None:
        raise PermissionDenied(_("不是本园区配置的见证节点"))
    try:
        first = base64.b64decode(report["first"])
        second = base64.b64decode(report["second"])
    except (KeyError, TypeError, ValueError):
        raise ApplicationError(_("分叉报告格式不正确"), code="invalid") from None
    body = sth_format.split_view_body(witness.fingerprint, log.origin, first, second)
    if not signature_valid(witness.public_key, signature, body):
        raise ApplicationError(_("分叉报告签名无效"), code="bad_signature")
    return alert_raise(
        kind=AlertKind.SPLIT_VIEW,
        message=_("见证节点 %(w)s 发现本园区存证日志的分叉视图：两个签名树头不一致") % {"w": witness.name},
        details={
            "witness": witness.name,
            "first": first.decode(errors="replace"),
            "second": second.decode(errors="replace"),
        },
    )


def signature_valid(public_key_pem: str, signature: bytes, message: bytes) -> bool:
    """SM2 verification that says no to anything malformed (tongsuopy raises InternalError on a
    signature that is not DER, which ``keys.verify`` lets through)."""
    try:
        return keys.verify(keys.parse_public_key(public_key_pem), signature, message)
    except Exception:
        return False


def alert_raise(*, kind: str, message: str, details: dict | None = None) -> EvidenceAlert:
    alert = EvidenceAlert.objects.create(kind=kind, message=message[:500], details=details or {})
    audit_write(
        action=f"evidence.alert.{kind}",
        object_type="evidence.EvidenceAlert",
        object_id=alert.pk,
        object_repr=message[:300],
        changes={"details": [None, details or {}]},
        tenant_schema="public",
    )
    return alert


# ---------------------------------------------------------------- park settings
def witness_add(*, actor, name: str, public_key: str, url: str = "") -> Witness:
    parsed = keys.parse_public_key(public_key)
    if parsed.algorithm != "sm2":
        raise _refuse("public_key", _("见证公钥应为 SM2 公钥"))
    name = (name or "").strip()
    if not name:
        raise _refuse("name", _("请填写见证节点名称"))
    if (
        Witness.objects.filter(name=name).exists()
        or Witness.objects.filter(fingerprint=parsed.fingerprint).exists()
    ):
        raise _refuse("name", _("该见证节点已配置"), code="duplicate")
    witness = Witness.objects.create(
        name=name[:100], url=url, public_key=parsed.pem, fingerprint=parsed.fingerprint
    )
    audit_write(
        action="evidence.witness_add",
        object_type="evidence.Witness",
        object_id=witness.pk,
        object_repr=witness.name,
        changes={"name": [None, witness.name], "fingerprint": [None, witness.fingerprint]},
        tenant_schema="public",
    )
    return witness


def entry_of_code(code: str) -> LogEntry | None:
    return LogEntry.objects.filter(code=code).order_by("index").first()
