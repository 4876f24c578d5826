"""REST API: /api/v1/evidence/.

Park domain, anyone (RFC 9162's names where they fit): ``ct/v2/get-sth``,
``ct/v2/get-sth-consistency``, ``ct/v2/get-proof-by-hash``, ``ct/v2/get-entries``, the receipt
of an evidence code (``receipt/?code=``), and the two doors of witnesses (``ct/v2/add-cosignature``,
``ct/v2/report-split-view``: signed by a configured witness's key, nobody else's counts).
Park staff: a tree head now, witnesses, figures. Enterprise domain, its members: its evidence
(list, record, bulk, detail, receipt) and the park's evidence types.
"""

from __future__ import annotations

import base64
import binascii
import json

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api import ERROR_RESPONSES, ErrorSerializer
from apps.core.pagination import PageNumberPagination
from apps.enterprise_data.services import restricted_context
from apps.evidence import log as evlog
from apps.evidence import selectors, services
from apps.evidence.api import serializers as s
from apps.evidence.models import EvidenceContent, EvidenceType, LogEntry, Witness
from apps.tenants.selectors import current_enterprise

B64 = "2Ozt2Gs6WzhvWBLyLy0p4eqo3fZDrYUEW1ex1r9Zz9w="
SIG = "MEUCIQDx...（DER, Base64）"
STH_EXAMPLE = {"tree_size": 1024, "timestamp": 1773799200000, "root_hash": B64, "signature": SIG}
MAX_ENTRIES = 1000
WITNESS_EXAMPLE = {
    "id": 1,
    "name": "邻园节点",
    "url": "https://park2.example.cn",
    "public_key": "-----BEGIN PUBLIC KEY-----…",
    "fingerprint": "3f" * 32,
    "last_cosigned_size": 1024,
    "last_cosigned_at": "2026-03-18T10:01:00+08:00",
}
RECEIPT_EXAMPLE = {
    "version": 1,
    "log": {
        "origin": "park.localhost/evidence",
        "hash_algorithm": "sm3",
        "public_key": "-----BEGIN PUBLIC KEY-----…",
        "key_fingerprint": "9f…",
    },
    "evidence_code": "88.101.ALPHA/EV000001",
    "leaf_index": 7,
    "entry": "eyJjb2RlIjoi...",
    "leaf_hash": B64,
    "sth": STH_EXAMPLE,
    "inclusion_proof": [B64],
    "cosignatures": [],
    "witnesses_cosigned": 0,
    "anchor": None,
}


def _refused(code: str):
    return OpenApiResponse(response=ErrorSerializer, description=ERROR_RESPONSES[code])


def _b64(value: bytes) -> str:
    return base64.b64encode(bytes(value)).decode()


def _int_param(request, name: str, *, minimum: int = 0) -> int:
    raw = request.query_params.get(name)
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise ValidationError({name: [_("请提供整数")]}) from None
    if value < minimum or value > 2**62:
        raise ValidationError({name: [_("数值超出范围")]})
    return value


class PublicView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if current_enterprise() is not None:
            raise NotFound(_("存证日志在园区域名下提供"))

    def log(self):
        return evlog.park_log()


# ---------------------------------------------------------------- RFC 9162 names
class GetSthView(PublicView):
    @extend_schema(
        summary=_lazy("最新签名树头（get-sth）"),
        responses={200: s.LatestSthSerializer},
        examples=[
            OpenApiExample(
                "sth",
                value={
                    **STH_EXAMPLE,
                    "origin": "park.localhost/evidence",
                    "hash_algorithm": "sm3",
                    "cosignatures": [],
                },
                response_only=True,
            )
        ],
    )
    def get(self, request):
        log = self.log()
        head = evlog.latest_sth(log) or services.sth_make(log=log)
        cosigs = [
            {"witness": c.witness.name, "timestamp": c.timestamp, "signature": _b64(c.signature)}
            for c in head.cosignatures.select_related("witness").order_by("witness__name")
        ]
        return Response(
            {
                **evlog.sth_json(head),
                "origin": log.origin,
                "hash_algorithm": log.hash_algorithm,
                "cosignatures": cosigs,
            }
        )


class GetConsistencyView(PublicView):
    @extend_schema(
        summary=_lazy("两个树大小之间的一致性证明（get-sth-consistency）"),
        parameters=[
            OpenApiParameter("first", int, required=True, description=_lazy("较早的树大小")),
            OpenApiParameter(
                "second", int, required=True, description=_lazy("较晚的树大小（不超过最新签名树头）")
            ),
        ],
        responses={200: s.ConsistencySerializer},
        examples=[
            OpenApiExample(
                "proof", value={"first": 512, "second": 1024, "consistency": [B64, B64]}, response_only=True
            )
        ],
    )
    def get(self, request):
        first, second = _int_param(request, "first"), _int_param(request, "second")
        log = self.log()
        head = evlog.latest_sth(log)
        if first > second or head is None or second > head.tree_size:
            raise ValidationError({"second": [_("应满足 first ≤ second ≤ 最新签名树头的大小")]})
        proof = evlog.consistency_proof(log, first, second)
        return Response({"first": first, "second": second, "consistency": [_b64(p) for p in proof]})


class GetProofByHashView(PublicView):
    @extend_schema(
        summary=_lazy("按叶子哈希取包含证明（get-proof-by-hash）"),
        parameters=[
            OpenApiParameter("hash", str, required=True, description=_lazy("叶子哈希（Base64）")),
            OpenApiParameter("tree_size", int, required=True, description=_lazy("已签名的树大小")),
        ],
        responses={200: s.ProofByHashSerializer},
        examples=[
            OpenApiExample(
                "proof",
                value={"leaf_index": 7, "tree_size": 1024, "inclusion": [B64, B64]},
                response_only=True,
            )
        ],
    )
    def get(self, request):
        size = _int_param(request, "tree_size", minimum=1)
        try:
            leaf = base64.b64decode(request.query_params.get("hash") or "", validate=True)
        except (binascii.Error, ValueError):
            raise ValidationError({"hash": [_("请提供 Base64 编码的叶子哈希")]}) from None
        log = self.log()
        head = evlog.latest_sth(log)
        if head is None or size > head.tree_size:
            raise ValidationError({"tree_size": [_("树大小不能超过最新签名树头")]})
        index = (
            LogEntry.objects.filter(log=log, leaf_hash=leaf, index__lt=size)
            .order_by("index")
            .values_list("index", flat=True)
            .first()
        )
        if index is None:
            raise NotFound(_("该树中没有这个叶子"))
        return Response(
            {
                "leaf_index": index,
                "tree_size": size,
                "inclusion": [_b64(p) for p in evlog.inclusion_proof(log, index, size)],
            }
        )


class GetEntriesView(PublicView):
    @extend_schema(
        summary=_lazy("按序号范围取条目（get-entries）"),
        parameters=[
            OpenApiParameter("start", int, required=True, description=_lazy("起始叶子序号（含）")),
            OpenApiParameter(
                "end", int, required=True, description=_lazy("结束叶子序号（含），一次最多 1000 条")
            ),
        ],
        responses={200: s.EntriesSerializer},
        examples=[
            OpenApiExample(
                "entries",
                value={"entries": [{"leaf_index": 0, "leaf_input": "eyJjb2RlIjoi...", "leaf_hash": B64}]},
                response_only=True,
            )
        ],
    )
    def get(self, request):
        start, end = _int_param(request, "start"), _int_param(request, "end")
        if end < start:
            raise ValidationError({"end": [_("end 不能小于 start")]})
        end = min(end, start + MAX_ENTRIES - 1)
        rows = LogEntry.objects.filter(log=self.log(), index__gte=start, index__lte=end).order_by("index")
        return Response(
            {
                "entries": [
                    {"leaf_index": r.index, "leaf_input": _b64(r.entry), "leaf_hash": _b64(r.leaf_hash)}
                    for r in rows
                ]
            }
        )


class ReceiptView(PublicView):
    @extend_schema(
        summary=_lazy("存证码的回执（条目、叶子序号、签名树头、包含证明、见证签名）"),
        parameters=[OpenApiParameter("code", str, required=True, description=_lazy("存证码"))],
        responses={200: s.ReceiptSerializer, 404: _refused("404")},
        examples=[
            OpenApiExample(
                "receipt",
                value=RECEIPT_EXAMPLE,
                response_only=True,
            )
        ],
    )
    def get(self, request):
        code = (request.query_params.get("code") or "").strip()
        if not code:
            raise ValidationError({"code": [_("请提供存证码")]})
        entry = LogEntry.objects.filter(code=code).select_related("log").order_by("index").first()
        if entry is None:
            raise NotFound(_("没有这个存证码"))
        head = services.sth_for_entry(log=entry.log, index=entry.index)
        return Response(selectors.receipt(entry=entry, head=head))


class CosignView(PublicView):
    parser_classes = [JSONParser]

    @extend_schema(
        summary=_lazy("见证节点提交联署签名"),
        request=s.CosignInputSerializer,
        responses={200: s.AcceptedSerializer, 403: _refused("403"), 404: _refused("404")},
        examples=[
            OpenApiExample(
                "cosign",
                value={
                    "tree_size": 1024,
                    "witness_fingerprint": "3f" * 32,
                    "timestamp": 1773799260000,
                    "signature": SIG,
                },
                request_only=True,
            ),
            OpenApiExample("accepted", value={"accepted": True}, response_only=True),
        ],
    )
    def post(self, request):
        body = s.CosignInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        services.cosignature_accept(
            log=self.log(),
            tree_size=data["tree_size"],
            witness_fingerprint=data["witness_fingerprint"],
            timestamp=data["timestamp"],
            signature=_decode(data["signature"], "signature"),
        )
        return Response({"accepted": True})


class SplitViewReportView(PublicView):
    parser_classes = [JSONParser]

    @extend_schema(
        summary=_lazy("见证节点报告分叉视图"),
        request=s.SplitViewInputSerializer,
        responses={200: s.AcceptedSerializer, 403: _refused("403")},
        examples=[
            OpenApiExample(
                "report",
                value={
                    "witness_fingerprint": "3f" * 32,
                    "first": "cGFyay1wb3J0YWwv…",
                    "second": "cGFyay1wb3J0YWwv…",
                    "signature": SIG,
                },
                request_only=True,
            ),
            OpenApiExample("accepted", value={"accepted": True}, response_only=True),
        ],
    )
    def post(self, request):
        body = s.SplitViewInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        services.split_view_report_accept(
            log=self.log(),
            witness_fingerprint=data["witness_fingerprint"],
            report={"first": data["first"], "second": data["second"]},
            signature=_decode(data["signature"], "signature"),
        )
        return Response({"accepted": True})


def _decode(value: str, name: str) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError({name: [_("请提供 Base64 编码")]}) from None


# ---------------------------------------------------------------- park staff
class ParkStaffView(APIView):
    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if current_enterprise() is not None:
            raise NotFound(_("存证日志在园区域名下管理"))
        if not request.user.is_park_staff:
            raise PermissionDenied(_("只有园区工作人员可以查看"))


class SthMakeView(ParkStaffView):
    @extend_schema(
        summary=_lazy("立即签名树头（日志有增长时）"),
        request=None,
        responses={201: s.SthSerializer},
        examples=[OpenApiExample("sth", value=STH_EXAMPLE, response_only=True)],
    )
    def post(self, request):
        if not request.user.is_park_admin and request.user.park_role != "park_operator":
            raise PermissionDenied(_("只有园区管理员或运营人员可以签名树头"))
        head = services.sth_make()
        return Response(evlog.sth_json(head), status=status.HTTP_201_CREATED)


class WitnessListView(ParkStaffView):
    @extend_schema(
        summary=_lazy("见证节点"),
        responses={200: s.WitnessSerializer(many=True)},
        examples=[
            OpenApiExample(
                "witnesses",
                value=WITNESS_EXAMPLE,  # one item: shown as a list of it
                response_only=True,
            )
        ],
    )
    def get(self, request):
        return Response(s.WitnessSerializer(Witness.objects.order_by("name"), many=True).data)

    @extend_schema(
        summary=_lazy("添加见证节点"),
        request=s.WitnessSerializer,
        responses={201: s.WitnessSerializer, 403: _refused("403")},
        examples=[
            OpenApiExample(
                "witness",
                value={
                    "name": "邻园节点",
                    "url": "https://park2.example.cn",
                    "public_key": "-----BEGIN PUBLIC KEY-----\n…\n-----END PUBLIC KEY-----",
                },
                request_only=True,
            ),
            OpenApiExample("witness", value=WITNESS_EXAMPLE, response_only=True),
        ],
    )
    def post(self, request):
        if not request.user.is_park_admin:
            raise PermissionDenied(_("只有园区管理员可以配置见证节点"))
        body = s.WitnessSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        witness = services.witness_add(actor=request.user, **body.validated_data)
        return Response(s.WitnessSerializer(witness).data, status=status.HTTP_201_CREATED)


class FiguresView(ParkStaffView):
    @extend_schema(
        summary=_lazy("存证统计：日志大小、最新树头、见证、告警、按类型和企业计数"),
        responses={200: s.FiguresSerializer},
        examples=[
            OpenApiExample(
                "figures",
                value={
                    "size": 1024,
                    "last_sth": STH_EXAMPLE,
                    "witnesses": 1,
                    "open_alerts": 0,
                    "tampered": False,
                    "by_type": [{"name": "碳资产", "count": 600}],
                    "by_enterprise": [{"name": "Alpha 测试科技有限公司", "count": 400}],
                },
                response_only=True,
            )
        ],
    )
    def get(self, request):
        figures = selectors.park_figures()
        dash = selectors.dashboard_figures()
        return Response(
            {
                "size": figures["size"],
                "last_sth": evlog.sth_json(figures["last_sth"]) if figures["last_sth"] else None,
                "witnesses": len(figures["witnesses"]),
                "open_alerts": dash["open_alerts"],
                "tampered": dash["tampered"],
                "by_type": [{"name": n, "count": c} for n, c in figures["by_type"]],
                "by_enterprise": [{"name": n, "count": c} for n, c in figures["by_enterprise"]],
            }
        )


# ---------------------------------------------------------------- enterprise
RECORD_EXAMPLE = {
    "subject": "88.101.ALPHA/BOILER-01",
    "evidence_type": "carbon",
    "record": {"period": "2026-02", "co2_t": "12.375", "verifier": "第三方核查机构"},
    "title": "2026 年 2 月碳排放核查记录",
}
RECORDED_EXAMPLE = {
    "code": "88.101.ALPHA/EV000001",
    "leaf_index": 7,
    "digest": "66c7f0f4" * 8,
    "created_at": "2026-03-18T10:00:00+08:00",
}


class EnterpriseView(APIView):
    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        from apps.core.middleware import bind_user

        bind_user(request)
        if current_enterprise() is None:
            raise NotFound(_("存证在企业域名下管理"))

    def enterprise(self):
        return current_enterprise()

    def content(self, index: int) -> EvidenceContent:
        with restricted_context(self.enterprise()):
            row = EvidenceContent.objects.filter(leaf_index=index).first()
        if row is None:
            raise NotFound()
        return row


def _row(content: EvidenceContent, *, detail: bool = False) -> dict:
    data = {
        "code": content.code,
        "leaf_index": content.leaf_index,
        "subject": content.subject,
        "evidence_type": content.evidence_type,
        "kind": content.kind,
        "filename": content.filename,
        "size": content.size,
        "digest": content.digest,
        "supersedes": content.supersedes,
        "title": content.title,
        "created_at": content.created_at,
    }
    if detail:
        data["record"] = json.loads(bytes(content.data)) if content.kind == "json" else None
    return data


def _input(data: dict) -> services.EvidenceInput:
    upload = data.get("file")
    raw = None
    filename, content_type = data.get("filename") or "", ""
    if upload is not None:
        raw = upload.read()
        filename = filename or upload.name
        content_type = getattr(upload, "content_type", "") or ""
    elif data.get("file_base64"):
        raw = _decode(data["file_base64"], "file_base64")
    return services.EvidenceInput(
        subject=data["subject"],
        evidence_type=data["evidence_type"],
        data=raw,
        filename=filename,
        content_type=content_type,
        record=data.get("record"),
        title=data.get("title") or "",
        supersedes=data.get("supersedes") or "",
    )


def _recorded(rec) -> dict:
    return {
        "code": rec.code,
        "leaf_index": rec.leaf_index,
        "digest": rec.digest,
        "created_at": rec.created_at,
    }


class EvidenceListView(EnterpriseView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    pagination_class = PageNumberPagination  # an enterprise records evidence without end: pages

    @extend_schema(
        summary=_lazy("本企业的存证"),
        parameters=[
            OpenApiParameter("q", str, description=_lazy("按存证码、关联标识或说明查找")),
            OpenApiParameter("type", str, description=_lazy("存证类型代码")),
        ],
        responses={200: s.EvidenceSerializer(many=True)},
        examples=[
            OpenApiExample(
                "list",
                # one item: drf-spectacular shows a list operation's example as a list of it
                value={
                    **RECORDED_EXAMPLE,
                    "subject": "88.101.ALPHA/BOILER-01",
                    "evidence_type": "carbon",
                    "kind": "json",
                    "filename": "",
                    "size": 96,
                    "supersedes": "",
                    "title": "2026 年 2 月碳排放核查记录",
                    "inclusion": "included",
                },
                response_only=True,
            )
        ],
    )
    def get(self, request):
        enterprise = self.enterprise()
        paginator = self.pagination_class()
        with restricted_context(enterprise):  # the page is read in the enterprise's schema
            rows = selectors.evidence_list(
                enterprise=enterprise,
                q=request.query_params.get("q", "")[:100],
                evidence_type=request.query_params.get("type", "")[:32],
            )
            page = [_row(r) for r in paginator.paginate_queryset(rows, request, view=self)]
        return paginator.get_paginated_response(page)

    @extend_schema(
        summary=_lazy("存证一个文件或一条 JSON 记录"),
        request={"application/json": s.RecordInputSerializer, "multipart/form-data": s.RecordInputSerializer},
        responses={201: s.RecordedSerializer, 400: _refused("400"), 403: _refused("403")},
        examples=[
            OpenApiExample("record", value=RECORD_EXAMPLE, request_only=True),
            OpenApiExample("recorded", value=RECORDED_EXAMPLE, response_only=True),
        ],
    )
    def post(self, request):
        body = s.RecordInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        rec = services.evidence_record(
            actor=request.user, enterprise=self.enterprise(), item=_input(body.validated_data)
        )
        return Response(_recorded(rec), status=status.HTTP_201_CREATED)


class EvidenceBulkView(EnterpriseView):
    parser_classes = [JSONParser]

    @extend_schema(
        summary=_lazy("批量存证（全部成功或全部不存，逐行报告错误）"),
        request=s.BulkInputSerializer,
        responses={201: s.RecordedSerializer(many=True), 400: _refused("400"), 403: _refused("403")},
        examples=[
            OpenApiExample(
                "bulk",
                value={
                    "items": [
                        RECORD_EXAMPLE,
                        {**RECORD_EXAMPLE, "record": {"period": "2026-03", "co2_t": "11.020"}},
                    ]
                },
                request_only=True,
            ),
            OpenApiExample("recorded", value=RECORDED_EXAMPLE, response_only=True),
        ],
    )
    def post(self, request):
        body = s.BulkInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        items = [_input(item) for item in body.validated_data["items"]]
        done = services.evidence_record_many(actor=request.user, enterprise=self.enterprise(), items=items)
        return Response([_recorded(r) for r in done], status=status.HTTP_201_CREATED)


class EvidenceDetailView(EnterpriseView):
    @extend_schema(
        summary=_lazy("存证详情"),
        responses={200: s.EvidenceDetailSerializer, 404: _refused("404")},
        examples=[
            OpenApiExample(
                "detail",
                value={
                    **RECORDED_EXAMPLE,
                    "subject": "88.101.ALPHA/BOILER-01",
                    "evidence_type": "carbon",
                    "kind": "json",
                    "filename": "",
                    "size": 96,
                    "supersedes": "",
                    "title": "",
                    "inclusion": "witnessed",
                    "record": RECORD_EXAMPLE["record"],
                },
                response_only=True,
            )
        ],
    )
    def get(self, request, index: int):
        content = self.content(index)
        data = _row(content, detail=True)
        data["inclusion"] = selectors.inclusion_state(evlog.park_log(), content.leaf_index)["state"]
        return Response(data)


class EvidenceReceiptView(EnterpriseView):
    @extend_schema(
        summary=_lazy("下载存证回执（JSON，供离线校验）"),
        responses={200: s.ReceiptSerializer, 404: _refused("404")},
        examples=[
            OpenApiExample(
                "receipt",
                value=RECEIPT_EXAMPLE,
                response_only=True,
            )
        ],
    )
    def get(self, request, index: int):
        content = self.content(index)
        entry = LogEntry.objects.filter(code=content.code).select_related("log").first()
        if entry is None:
            raise NotFound()
        head = services.sth_for_entry(log=entry.log, index=entry.index)
        return Response(selectors.receipt(entry=entry, head=head))


class EvidenceTypeListView(EnterpriseView):
    @extend_schema(
        summary=_lazy("园区的存证类型"),
        responses={200: s.EvidenceTypeSerializer(many=True)},
        examples=[
            OpenApiExample(
                "types", value={"code": "carbon", "name": "碳资产", "is_public": False}, response_only=True
            )
        ],
    )
    def get(self, request):
        from apps.evidence.seed import ensure_evidence_types

        ensure_evidence_types()
        return Response(s.EvidenceTypeSerializer(EvidenceType.objects.filter(active=True), many=True).data)


def log_key_pem(request):
    """/.well-known/evidence-log-key.pem: the public half of the park's log key."""
    return HttpResponse(evlog.park_log().public_key, content_type="application/x-pem-file; charset=utf-8")


def log_key_json(request):
    """/.well-known/evidence-log.json: the log's name, hash, key and fingerprint."""
    log = evlog.park_log()
    body = {
        "origin": log.origin,
        "hash_algorithm": log.hash_algorithm,
        "public_key": log.public_key,
        "key_fingerprint": evlog.key_fingerprint(log.public_key),
        "algorithm": "sm2",
    }
    return HttpResponse(json.dumps(body, ensure_ascii=False), content_type="application/json; charset=utf-8")
