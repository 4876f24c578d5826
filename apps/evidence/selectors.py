"""Evidence reads: an enterprise's list, the public view of an evidence code, receipts, the
park's figures. Content is read only in its enterprise's schema, and only for that enterprise
or — for a public type — for anyone."""

from __future__ import annotations

import base64
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from apps.enterprise_data.services import restricted_context
from apps.evidence import log as evlog
from apps.evidence.choices import InclusionState
from apps.evidence.models import (
    Anchor,
    Cosignature,
    EvidenceAlert,
    EvidenceContent,
    EvidenceLog,
    EvidenceType,
    LogCheck,
    LogEntry,
    SignedTreeHead,
    Witness,
)


def evidence_list(*, enterprise, q: str = "", evidence_type: str = ""):
    """The enterprise's evidence (its schema), newest first; call inside restricted_context."""
    rows = EvidenceContent.objects.defer("data")
    if q:
        rows = rows.filter(Q(code__icontains=q) | Q(subject__icontains=q) | Q(title__icontains=q))
    if evidence_type:
        rows = rows.filter(evidence_type=evidence_type)
    return rows


def evidence_get(*, enterprise, code: str) -> EvidenceContent | None:
    with restricted_context(enterprise):
        return EvidenceContent.objects.filter(code=code).first()


def type_names() -> dict[str, str]:
    return dict(EvidenceType.objects.values_list("code", "name"))


def inclusion_state(log: EvidenceLog, index: int) -> dict[str, Any]:
    head = evlog.sth_covering(log, index)
    if head is None:
        return {
            "state": InclusionState.PENDING,
            "label": InclusionState.PENDING.label,
            "sth": None,
            "witnesses": 0,
        }
    witnesses = (
        Cosignature.objects.filter(sth__log=log, sth__tree_size__gte=head.tree_size)
        .values("witness")
        .distinct()
        .count()
    )
    state = InclusionState.WITNESSED if witnesses else InclusionState.INCLUDED
    return {"state": state, "label": state.label, "sth": head, "witnesses": witnesses}


def public_evidence(*, code: str) -> dict[str, Any] | None:
    """What anyone may see of an evidence code: digest, time, type, inclusion and witnesses, and
    the content when the type is public. None when there is no such code (an identifier that is
    not an evidence code is not one)."""
    entry = LogEntry.objects.filter(code=code).select_related("log", "enterprise").order_by("index").first()
    if entry is None:
        return None
    evidence_type = EvidenceType.objects.filter(code=entry.evidence_type).first()
    content = None
    if evidence_type is not None and evidence_type.is_public and entry.enterprise is not None:
        content = evidence_get(enterprise=entry.enterprise, code=code)
    superseded_by = list(
        LogEntry.objects.filter(log=entry.log, supersedes=code).values_list("code", flat=True)[:10]
    )
    return {
        "code": code,
        "entry": entry,
        "log": entry.log,
        "digest": entry.digest,
        "time": entry.created_at,
        "type": evidence_type,
        "type_name": evidence_type.name if evidence_type else entry.evidence_type,
        "enterprise_name": entry.enterprise.name if entry.enterprise else "",
        "inclusion": inclusion_state(entry.log, entry.index),
        "content": content,
        "superseded_by": superseded_by,
        "witnesses": witness_list(),
    }


def witness_list():
    return list(Witness.objects.filter(active=True).order_by("name"))


def _b64(value: bytes) -> str:
    return base64.b64encode(bytes(value)).decode()


def receipt(*, entry: LogEntry, head: SignedTreeHead) -> dict[str, Any]:
    """The receipt of an entry: everything the stand-alone verifier needs besides the original
    and the park's key (apps/evidence/verify.py reads exactly this)."""
    log = entry.log
    proof = evlog.inclusion_proof(log, entry.index, head.tree_size)
    cosigs = []
    for cosig in Cosignature.objects.filter(sth=head).select_related("witness").order_by("witness__name"):
        cosigs.append(
            {
                "witness": cosig.witness.name,
                "public_key": cosig.witness.public_key,
                "timestamp": cosig.timestamp,
                "signature": _b64(cosig.signature),
            }
        )
    anchor = Anchor.objects.filter(sth=head).first()
    return {
        "version": 1,
        "log": {
            "origin": log.origin,
            "hash_algorithm": log.hash_algorithm,
            "public_key": log.public_key,
            "key_fingerprint": evlog.key_fingerprint(log.public_key),
        },
        "evidence_code": entry.code,
        "leaf_index": entry.index,
        "entry": _b64(entry.entry),
        "leaf_hash": _b64(entry.leaf_hash),
        "sth": evlog.sth_json(head),
        "inclusion_proof": [_b64(p) for p in proof],
        "cosignatures": cosigs,
        "witnesses_cosigned": len(cosigs),
        "anchor": {"state": anchor.state, "tx_hash": anchor.tx_hash} if anchor else None,
    }


# ---------------------------------------------------------------- park
def park_figures() -> dict[str, Any]:
    log = EvidenceLog.objects.filter(origin=evlog.default_origin()).first()
    names = type_names()
    from apps.tenants.models import Enterprise

    by_enterprise, by_type = [], []
    if log is not None:
        rows = (
            LogEntry.objects.filter(log=log)
            .order_by()
            .values("enterprise_id")
            .annotate(n=Count("id"))
            .order_by("-n")[:20]
        )
        ent_names = dict(
            Enterprise.objects.filter(pk__in=[r["enterprise_id"] for r in rows]).values_list("pk", "name")
        )
        by_enterprise = [(ent_names.get(r["enterprise_id"], "—"), r["n"]) for r in rows]
        by_type = [
            (names.get(r["evidence_type"], r["evidence_type"]), r["n"])
            for r in LogEntry.objects.filter(log=log)
            .order_by()
            .values("evidence_type")
            .annotate(n=Count("id"))
            .order_by("-n")
        ]
    last = evlog.latest_sth(log) if log else None
    witnesses = []
    for witness in Witness.objects.order_by("name"):
        witnesses.append(
            {"witness": witness, "last_size": witness.last_cosigned_size, "last_at": witness.last_cosigned_at}
        )
    anchors = (
        dict(Anchor.objects.filter(sth__log=log).order_by().values_list("state").annotate(n=Count("id")))
        if log
        else {}
    )
    last_anchor = Anchor.objects.filter(sth__log=log).order_by("-sth__tree_size").first() if log else None
    return {
        "log": log,
        "size": log.size if log else 0,
        "last_sth": last,
        "witnesses": witnesses,
        "anchors": anchors,
        "last_anchor": last_anchor,
        "by_enterprise": by_enterprise,
        "by_type": by_type,
        "alerts": list(EvidenceAlert.objects.filter(resolved=False)[:20]),
        "last_check": LogCheck.objects.first(),
    }


def dashboard_figures() -> dict[str, Any]:
    """The park workbench's evidence card: a few indexed reads."""
    log = EvidenceLog.objects.filter(origin=evlog.default_origin()).first()
    check = LogCheck.objects.first()
    return {
        "size": log.size if log else 0,
        "last_sth": evlog.latest_sth(log) if log else None,
        "open_alerts": EvidenceAlert.objects.filter(resolved=False).count(),
        "last_check": check,
        "tampered": bool(check and not check.ok),
    }


def report_figures(scope) -> dict[str, Any]:
    """The evaluation report's 数据上链 / 数据可信 section for a park or enterprise scope."""
    log = EvidenceLog.objects.filter(origin=evlog.default_origin()).first()
    if log is None:
        return {"total": 0}
    rows = LogEntry.objects.filter(log=log)
    enterprise = getattr(scope, "enterprise", None)
    if enterprise is not None:
        rows = rows.filter(enterprise=enterprise)
    until = getattr(scope, "until", None)
    if until is not None:
        rows = rows.filter(created_at__lt=until)
    names = type_names()
    by_type = [
        {"type": names.get(r["evidence_type"], r["evidence_type"]), "count": r["n"]}
        for r in rows.order_by().values("evidence_type").annotate(n=Count("id")).order_by("-n")
    ]
    total = sum(r["count"] for r in by_type)
    head = evlog.latest_sth(log)
    check = LogCheck.objects.first()
    return {
        "total": total,
        "by_type": by_type,
        "log_size": log.size,
        "sth_size": head.tree_size if head else 0,
        "witnesses": Witness.objects.filter(active=True).count(),
        "anchored": Anchor.objects.filter(sth__log=log, state="sent").count(),
        "check_ok": (check.ok if check else None),
        "message": _(
            "存证以 SM3 摘要写入园区 Merkle 日志（RFC 9162），签名树头由园区节点 SM2 密钥签名并由见证节点联署。"
        ),
    }
